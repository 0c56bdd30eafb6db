"""A signed-in reader's posts as HTML, rendered once per what they show (issue 14, ``/home``).

``partials/status.html`` is most of the home page's rendering: twenty posts through Jinja for
every request, 11-13 ms of CPU. Anonymous pages keep posts' HTML (``page_cache.FRAGMENTS``);
a signed-in reader's post also shows what depends on the reader, so here the kept HTML is
keyed by everything a post's fragment reads, the reader's part included:

- the status entity as encoded (``msgspec``, digested): its text, media, poll, quote, counts
  and the reader's own marks on it (favourited, boosted, bookmarked, the poll's ``voted`` and
  ``own_votes``), as the status cache and ``personal_rows`` gave them to this reader;
- the page language (``T``, ``_``), the thread view, the path (the forms' ``next``);
- the shown ages (``page_cache.age_key``) of the post and of its poll's closing time;
- whether there is a reader and whether the post is the reader's own (the share menu's
  mute/block items, the group's report link);
- what the request's state says of the post for this reader: the member who wrote it for a
  business account (``porina_written_by``) and the group it is in (``porina_group_audience``).

So two readers share a post's HTML exactly when it would render the same for both: most
readers of a post have no mark on it and share one rendering; a reader who favourited it
shares another with everybody else who did. No reader's marks reach another reader: the marks
are part of the key. The CSRF token is each reader's own: the fragment is kept cut at
``page_cache.PLACEHOLDER``, its place, and each answer joins the parts with the reader's token.

The home page's kept shell (``home_shell``) keys its posts by their page rows instead
(``row_key``): the row names the versions of everything the status cache rendered and the
reader's marks, so a kept post costs neither an entity nor its encoding (a reader with active
filters, or a page with quote posts, goes by ``reader_key``: a quoted post is read for each
reader).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from litestar import Request
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from porina.core.clock import now
from porina.render import entities as e
from porina.render.status_cache import Bounded, Found
from porina.timelines.page import PageRow
from porina.web import i18n
from porina.web.acting import STATE_WRITTEN_BY
from porina.web.common import Me
from porina.web.groups_audience import STATE_GROUP_AUDIENCE
from porina.web.page_cache import PLACEHOLDER, STATUS_TEMPLATE, Key, age_key, row_identity

SIZE = 8192
"""Posts' HTML kept per process by page row (``ROWS``: about 3-5 KB each, at most about
40 MB)."""
ENTITY_SIZE = 2048
"""Posts' HTML kept per process by entity (``KEPT``: the pages the kept shell does not
cover, such as the older posts htmx loads; at most about 10 MB)."""
CSRF_PLACEHOLDER = f'<input type="hidden" name="_csrf_token" value="{PLACEHOLDER}" />'

KEPT: Bounded[Key, tuple[str, ...]] = Bounded(ENTITY_SIZE)
"""Each post's HTML cut at the CSRF token's place (``PLACEHOLDER``): the token is written
in by joining the parts."""
ROWS: Bounded[Key, tuple[bytes, ...]] = Bounded(SIZE)
"""The same by ``row_key``, as UTF-8: the kept shell's page is joined as bytes (a page's
text joined and encoded took ~0.15 ms, its bytes joined ~5 us)."""
_ENCODER = msgspec.json.Encoder()
ROW = "row"
"""Marks a ``row_key`` (a ``reader_key`` starts with the entity's digest, bytes)."""


def reader_key(
    status: e.Status,
    me: Me | None,
    state: dict[str, Any],
    path: str,
    *,
    moment: datetime,
    thread_view: bool,
) -> Key:
    """Everything ``partials/status.html`` shows of ``status`` to ``me`` (see the module)."""
    shown = status.reblog or status
    digest = hashlib.blake2b(_ENCODER.encode(status), digest_size=20).digest()
    poll = shown.poll
    closes = age_key(poll.expires_at, moment) if poll is not None and poll.expires_at else ()
    return (
        digest,
        i18n.current(),
        thread_view,
        path,
        age_key(shown.created_at, moment),
        closes,
        me is not None,
        me is not None and str(me.id) == shown.account.id,
        state.get(STATE_WRITTEN_BY, {}).get(shown.id),
        state.get(STATE_GROUP_AUDIENCE, {}).get(shown.id),
    )


def fragments(
    request: Request[Any, Any, Any],
    me: Me | None,
    shown: Sequence[e.Status],
    *,
    thread_view: bool = False,
) -> list[Markup]:
    """Each of ``shown`` as ``partials/status.html`` shows it to ``me`` on this request,
    kept or rendered and kept, with the reader's CSRF token written in."""
    state: dict[str, Any] = request.scope.get("state", {})
    path = request.url.path
    moment = now()
    token = ScopeState.from_scope(request.scope).csrf_token
    escaped = html.escape(token if isinstance(token, str) else "")
    template: Any = None
    out: list[Markup] = []
    for status in shown:
        key = reader_key(status, me, state, path, moment=moment, thread_view=thread_view)
        found = KEPT.get(key)
        if found is None:
            if template is None:
                template = _template(request)
            found = _rendered(template, request, me, status, thread_view)
            KEPT.put(key, found)
        out.append(Markup(escaped.join(found)))
    return out


def _template(request: Request[Any, Any, Any]) -> Any:
    engine: Any = request.app.template_engine
    return engine.get_template(STATUS_TEMPLATE)


def _rendered(
    template: Any,
    request: Request[Any, Any, Any],
    me: Me | None,
    status: e.Status,
    thread_view: bool,
) -> tuple[str, ...]:
    """``status`` through ``partials/status.html``, cut at the CSRF token's place."""
    text = str(template.render(**_context(request, me, status, thread_view)))
    return tuple(text.split(PLACEHOLDER))


def row_key(
    row: PageRow, hit: Found, me_id: int, state: dict[str, Any], *, path: str, moment: datetime
) -> Key:
    """What ``partials/status.html`` shows of a home page row to the reader ``me_id``, from
    the row and the status cache's parts alone (a reader without active filters, a status
    quoting nothing: nothing else of the reader reaches the rendering, see ``StatusCache.
    personal``): the rendering's identity (the row's versions: status, author, poll, and the
    boosted status's), the reader's marks on it (favourited, boosted, bookmarked, the thread
    muted, pinned, the poll's votes), whether the reader wrote it or boosted it, and the rest
    as ``reader_key`` (language, address, shown ages, who wrote a brand's post, the group)."""
    shown = hit.reblog if hit.reblog is not None else hit.status
    entity = shown.entity
    poll = entity.poll
    closes = age_key(poll.expires_at, moment) if poll is not None and poll.expires_at else ()
    shown_id = str(shown.status_id)
    return (
        ROW,
        row_identity(row),
        (row.favourited, row.reblogged, row.bookmarked, row.own_votes),
        (row.muted, row.reblog_muted, row.pinned, row.reblog_pinned),
        row.account_id == me_id,
        row.reblog_account_id == me_id,
        i18n.current(),
        path,
        age_key(entity.created_at, moment),
        closes,
        state.get(STATE_WRITTEN_BY, {}).get(shown_id),
        state.get(STATE_GROUP_AUDIENCE, {}).get(shown_id),
    )


def row_fragments(
    request: Request[Any, Any, Any],
    me: Me,
    rows: Sequence[tuple[PageRow, Found]],
    personal: Callable[[Found, PageRow], e.Status],
) -> list[tuple[bytes, ...]]:
    """The home page's posts as kept UTF-8 HTML cut at the CSRF token's place, keyed by
    ``row_key``: a post whose HTML is kept costs its key and no status entity; ``personal``
    renders the others for the reader."""
    state: dict[str, Any] = request.scope.get("state", {})
    path = request.url.path
    moment = now()
    template: Any = None
    out: list[tuple[bytes, ...]] = []
    for row, hit in rows:
        key = row_key(row, hit, me.id, state, path=path, moment=moment)
        found = ROWS.get(key)
        if found is None:
            if template is None:
                template = _template(request)
            parts = _rendered(template, request, me, personal(hit, row), False)
            found = tuple(part.encode() for part in parts)
            ROWS.put(key, found)
        out.append(found)
    return out


def _context(
    request: Request[Any, Any, Any], me: Me | None, status: e.Status, thread_view: bool
) -> dict[str, Any]:
    return {
        "s": status,
        "me": me,
        "request": request,
        "csrf_input": CSRF_PLACEHOLDER,
        "thread_view": thread_view,
        "lang": i18n.current(),
        "path": request.url.path,
    }
