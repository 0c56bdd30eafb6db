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
are part of the key. The CSRF token is each reader's own: the fragment is kept with
``page_cache.PLACEHOLDER`` in its place and each answer writes the reader's token into it.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from litestar import Request
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from porina.core.clock import now
from porina.render import entities as e
from porina.render.status_cache import Bounded
from porina.web import i18n
from porina.web.acting import STATE_WRITTEN_BY
from porina.web.common import Me
from porina.web.groups_audience import STATE_GROUP_AUDIENCE
from porina.web.page_cache import PLACEHOLDER, STATUS_TEMPLATE, Key, age_key

SIZE = 8192
"""Posts' HTML kept per process (about 3-5 KB each: at most about 40 MB)."""
CSRF_PLACEHOLDER = f'<input type="hidden" name="_csrf_token" value="{PLACEHOLDER}" />'

KEPT: Bounded[Key, str] = Bounded(SIZE)
_ENCODER = msgspec.json.Encoder()


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
                engine: Any = request.app.template_engine
                template = engine.get_template(STATUS_TEMPLATE)
            context = _context(request, me, status, thread_view)
            found = str(template.render(**context))
            KEPT.put(key, found)
        out.append(Markup(found.replace(PLACEHOLDER, escaped)))
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
