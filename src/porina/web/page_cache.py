"""Timeline pages as an anonymous visitor sees them, rendered once per distinct content.

A visitor arriving from a shared link (no session) on the landing page, the local timeline
or a hashtag page sees exactly what every other visitor sees at that moment, in their
language and theme. Those pages used to be rendered for every request: twenty posts through
Jinja, about 30 ms of CPU each (issue 14). Here the page's rows are still read on every
request (one prebuilt statement, as the API's timelines read them), and the rendered page is
kept, keyed by what it shows:

- the route, the path and query, the page language and theme;
- every row's identity and version, and those of its author, poll and boosted post (a
  deleted post, an edit, a new count, a renamed author or a suspended one change the rows,
  so a changed page is never served from the cache);
- the minute (posts show their age, "5 min"; the sidebar shows the trends).

A page missing from the cache is its template (shell) around its posts' fragments: each post's
HTML (``partials/status.html`` as an anonymous visitor sees it) is kept per process too
(``FRAGMENTS``), keyed by what it shows (``fragment_key``): the row versions of the post, its
author, poll and boosted post, the page language, the thread view, the shown ages' units and
values (``age_key``: the texts "5 min", "5 minutes ago" change exactly when those do), and
the quoted post as encoded (a quote's edit or deletion changes it). A post with a poll also
keys on the minute (its closing time reads "closes in 5 minutes"). So a page of twenty posts
seen on another page (a profile, the local timeline, a hashtag) is joined, not rendered.

A post's page (``web/statuses.kept_status``) is kept the same way, under ``thread_parts``:
the thread's rows and shape, the shown ages and quoted posts, and what the shell shows (the
address, language and theme); its posts are the same fragments in thread view.

Pages and fragments are bounded by the bytes they hold (``ByteBounded``: the settings
``PORINA_PAGE_CACHE_BYTES`` and ``PORINA_FRAGMENT_CACHE_BYTES``, read at each page by
``configure``), not by a count: pages run from 10 to 90 KB. A page is kept as the UTF-8 it is
sent as (half the memory of its text when it holds a character past Latin-1, and no encoding
per answer).

Nothing that depends on a viewer is cached: a signed-in reader, or an htmx request for a
fragment, renders as before. The CSRF token the page's forms carry (language and theme
switches) is the visitor's own: the page is kept with a placeholder in its place and each
answer writes the visitor's token into it. The statuses a page serves still count as
impressions (``analytics/impressions.py``) on every answer, cached or not.
"""

from __future__ import annotations

import functools
import html
import itertools
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import msgspec
from babel.dates import TIMEDELTA_UNITS
from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import MediaType
from litestar.response import Template
from litestar.response.base import ASGIResponse
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from porina.analytics import impressions
from porina.core.clock import now
from porina.render import entities as e
from porina.render.pages import public_rows
from porina.settings import Settings
from porina.timelines.page import PageRow
from porina.web import i18n
from porina.web.common import is_htmx
from porina.web.runtime import services

PLACEHOLDER = "porina-page-cache-csrf-placeholder"
PLACEHOLDER_BYTES = PLACEHOLDER.encode()
STATUS_TEMPLATE = "partials/status.html"
VIEWER_STATE = ("porina_written_by", "porina_group_audience")
"""What ``partials/status.html`` reads from the request's state for a signed-in reader; a
request that has either renders its posts whole."""

Key = tuple[Any, ...]
V = TypeVar("V")
Served = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Kept:
    page: bytes
    """The rendered page as sent (UTF-8: half the memory of its text when it holds any
    character past Latin-1), with ``PLACEHOLDER`` where the visitor's CSRF token goes."""
    served: Served
    """(status, author) of the local statuses it shows: its impressions."""


def _weight(value: Any) -> int:
    """About the bytes ``value`` holds: strings, bytes and numbers by ``sys.getsizeof``,
    tuples and ``Kept`` with what they hold (a key's rows, a page's impressions)."""
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(_weight(part) for part in value)
    if isinstance(value, Kept):
        return ENTRY + _weight(value.page) + _weight(value.served)
    return sys.getsizeof(value)


ENTRY = 120
"""A kept entry's own cost besides its key and value: its dict slot and object header."""


class ByteBounded(Generic[V]):
    """Kept values (pages, posts' HTML) that forget their oldest (by insertion) once what
    they hold, keys and values by ``_weight``, is above ``limit`` bytes: down to nine
    tenths of it. A value larger than a tenth of ``limit`` is not kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._entries: dict[Key, tuple[V, int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> V | None:
        found = self._entries.get(key)
        return None if found is None else found[0]

    def clear(self) -> None:
        self._entries.clear()
        self.held = 0

    def put(self, key: Key, value: V) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.held -= old[1]
        weight = ENTRY + _weight(key) + _weight(value)
        if weight * 10 > self.limit:
            return
        self._entries[key] = (value, weight)
        self.held += weight
        if self.held > self.limit:
            self._shrink(self.limit - self.limit // 10)

    def _shrink(self, to: int) -> None:
        entries = self._entries
        while self.held > to and entries:
            self.held -= entries.pop(next(iter(entries)))[1]


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Settings)}
PAGES: ByteBounded[Kept] = ByteBounded(_DEFAULTS["page_cache_bytes"])
FRAGMENTS: ByteBounded[Markup] = ByteBounded(_DEFAULTS["fragment_cache_bytes"])


def configure(settings: Settings) -> None:
    """Bound ``PAGES`` and ``FRAGMENTS`` as ``settings`` says (``PORINA_PAGE_CACHE_BYTES``,
    ``PORINA_FRAGMENT_CACHE_BYTES``); a smaller bound forgets at the next kept value."""
    PAGES.limit = settings.page_cache_bytes
    FRAGMENTS.limit = settings.fragment_cache_bytes


def row_identity(row: PageRow) -> tuple[int | None, ...]:
    """What of ``row`` a rendering depends on: the identities and row versions of its status,
    author and poll, and of the boosted status's."""
    return (
        row.id,
        row.version,
        row.account_id,
        row.account_version,
        row.poll_version,
        row.reblog_of_id,
        row.reblog_version,
        row.reblog_account_version,
        row.reblog_poll_version,
    )


def rows_key(rows: Iterable[PageRow]) -> tuple[tuple[int | None, ...], ...]:
    """What of ``rows`` a rendering depends on (``row_identity`` of each)."""
    return tuple(row_identity(row) for row in rows)


def key_of(request: Request[Any, Any, Any], route: str, *parts: Any) -> Key | None:
    """The cache key of this request's page, or None when it may not be cached (a
    fragment for htmx). ``parts``: what else the page shows (its rows' ``rows_key``)."""
    if is_htmx(request) or request.method != "GET":
        return None
    theme = request.cookies.get("theme", "")
    minute = int(now().timestamp() // 60)
    return (
        route,
        request.url.path,
        request.url.query,
        i18n.current(),
        theme if theme in ("light", "dark") else "",
        minute,
        *parts,
    )


def _rounded(seconds: int) -> tuple[str, int, bool]:
    """The unit and value Babel's ``format_timedelta`` (threshold 1) writes for ``seconds``,
    and its direction: its text changes exactly when these do."""
    span = abs(seconds)
    for unit, per in TIMEDELTA_UNITS:
        if span >= per or unit == "second":  # span / per >= 1, without dividing each unit
            value = span / per
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, round(value), seconds >= 0
    return "second", 0, seconds >= 0


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
WEEK_US = 7 * 86400 * 1_000_000


@functools.lru_cache(maxsize=65536)
def _instant(created_at: str) -> tuple[int, int] | None:
    """An entity's ISO time as microseconds since the epoch, and its year (None: not a
    time): parsed once per text, where a page's 20 posts parsed theirs on every request."""
    found = i18n.moment(created_at)
    return None if found is None else ((found - EPOCH) // US, found.year)


@functools.lru_cache(maxsize=8)
def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // US


def age_key(created_at: str, moment: datetime) -> Key:
    """What a post's shown ages depend on at ``moment``: ``ago_short`` (the header, a date
    after a week, with the year when not this year's) and ``ago`` (its label). In whole
    microseconds, as the texts' ``timedelta`` counts: ages in whole seconds, rounded down."""
    found = _instant(created_at)
    if found is None:
        return ()
    at, year = found
    since = _micros(moment) - at
    if since < WEEK_US:
        short: Any = _rounded(max(since, 1_000_000) // 1_000_000)
    else:
        short = year == moment.year
    return short, _rounded((at - _micros(moment)) // 1_000_000)


def fragment_key(row: PageRow, status: e.Status, moment: datetime, thread_view: bool) -> Key:
    """Everything one post's fragment shows (``FRAGMENTS``), for an anonymous visitor."""
    shown = status.reblog or status
    quote = msgspec.json.encode(shown.quote) if shown.quote is not None else b""
    minute = int(moment.timestamp() // 60) if shown.poll is not None else 0
    return (
        rows_key((row,)),
        i18n.current(),
        thread_view,
        age_key(shown.created_at, moment),
        quote,
        minute,
    )


def thread_parts(
    request: Request[Any, Any, Any],
    rows: Sequence[PageRow],
    depths: Sequence[int],
    shown: Sequence[e.Status],
) -> dict[str, Any]:
    """Everything a post's page (``web/statuses.py``) shows an anonymous visitor, by name:
    its address (the shell's forms return to it), language, theme, the thread's rows and
    shape (the focus first, then ancestors and replies: identities and versions of posts,
    authors and polls, and each reply's depth), the shown ages, the quoted posts as encoded,
    and the minute when a poll shows its closing time."""
    moment = now()
    theme = request.cookies.get("theme", "")
    polls = any((status.reblog or status).poll is not None for status in shown)
    return {
        "address": (request.url.path, request.url.query),
        "language": i18n.current(),
        "theme": theme if theme in ("light", "dark") else "",
        "thread": (rows_key(rows), tuple(depths)),
        "ages": tuple(age_key(status.created_at, moment) for status in shown),
        "quotes": tuple(
            msgspec.json.encode(status.quote) if status.quote is not None else b""
            for status in shown
        ),
        "minute": int(moment.timestamp() // 60) if polls else 0,
    }


def fragments(
    request: Request[Any, Any, Any],
    rows: Sequence[PageRow],
    shown: Sequence[e.Status],
    *,
    thread_view: bool = False,
) -> list[Markup] | None:
    """Each of ``shown`` (rendered from ``rows``) as ``partials/status.html`` shows it to
    an anonymous visitor, kept or rendered and kept; None when the request carries what a
    signed-in reader's posts show (render them whole)."""
    state = request.scope.get("state", {})
    if any(name in state for name in VIEWER_STATE):
        return None
    by_id = {str(row.id): row for row in rows}
    moment = now()
    template: Any = None
    out: list[Markup] = []
    for status in shown:
        key = fragment_key(by_id[status.id], status, moment, thread_view)
        found = FRAGMENTS.get(key)
        if found is None:
            if template is None:
                engine: Any = request.app.template_engine
                template = engine.get_template(STATUS_TEMPLATE)
            found = Markup(template.render(**_fragment_context(status, thread_view)))
            FRAGMENTS.put(key, found)
        out.append(found)
    return out


def _fragment_context(status: e.Status, thread_view: bool) -> dict[str, Any]:
    csrf = f'<input type="hidden" name="_csrf_token" value="{PLACEHOLDER}" />'
    return {
        "s": status,
        "me": None,
        "request": None,
        "csrf_input": csrf,
        "thread_view": thread_view,
    }


def served_of(statuses: Sequence[e.Status]) -> Served:
    """(status, author) of the local statuses among ``statuses`` (a boost counts the
    boosted post), as the status cache notes them."""
    found: list[tuple[int, int]] = []
    for status in statuses:
        shown = status.reblog or status
        if "@" not in shown.account.acct:
            found.append((int(shown.id), int(shown.account.id)))
    return tuple(found)


def kept(key: Key | None) -> Kept | None:
    """The page kept under ``key``; its impressions are counted as served again."""
    if key is None:
        return None
    found = PAGES.get(key)
    if found is not None:
        impressions.note(found.served, None)
    return found


class CachedPage(Template):
    """A ``Template`` answer that keeps its rendering under ``key`` (when given) and serves
    a kept one without rendering. ``served``: what to note as impressions when it is kept."""

    def __init__(
        self,
        *,
        key: Key | None,
        found: Kept | None,
        template_name: str,
        context: dict[str, Any],
        served: Served = (),
        cookies: Sequence[Cookie] = (),
    ) -> None:
        super().__init__(
            template_name=template_name,
            context=context,
            media_type=MediaType.HTML,
            cookies=list(cookies),
        )
        self.key = key
        self.found = found
        self.served = served

    def to_asgi_response(
        self,
        app: Any,
        request: Request[Any, Any, Any],
        *,
        background: Any = None,
        cookies: Iterable[Cookie] | None = None,
        encoded_headers: Iterable[tuple[bytes, bytes]] | None = None,
        headers: dict[str, str] | None = None,
        is_head_response: bool = False,
        media_type: Any = None,
        status_code: int | None = None,
        type_encoders: Any = None,
    ) -> ASGIResponse:
        if self.key is None:
            return super().to_asgi_response(
                app,
                request,
                background=background,
                cookies=cookies,
                encoded_headers=encoded_headers,
                headers=headers,
                is_head_response=is_head_response,
                media_type=media_type,
                status_code=status_code,
                type_encoders=type_encoders,
            )
        page = self.found.page if self.found is not None else self._rendered(request)
        token = ScopeState.from_scope(request.scope).csrf_token
        mine = html.escape(token if isinstance(token, str) else "").encode()
        body = page.replace(PLACEHOLDER_BYTES, mine)
        merged = {**headers, **self.headers} if headers is not None else self.headers
        return ASGIResponse(
            background=self.background or background,
            body=body,
            cookies=self.cookies if cookies is None else itertools.chain(self.cookies, cookies),
            encoded_headers=encoded_headers,
            encoding=self.encoding,
            headers=merged,
            is_head_response=is_head_response,
            media_type=MediaType.HTML,
            status_code=self.status_code or status_code,
        )

    def _rendered(self, request: Request[Any, Any, Any]) -> bytes:
        engine: Any = request.app.template_engine
        context = {
            **self.context,
            "request": request,
            "csrf_input": f'<input type="hidden" name="_csrf_token" value="{PLACEHOLDER}" />',
        }
        page = str(engine.get_template(self.template_name).render(**context)).encode()
        if self.key is not None:
            PAGES.put(self.key, Kept(page, self.served))
        return page


Extra = Callable[[list[e.Status]], Awaitable[dict[str, Any]]]


async def anonymous_page(
    request: Request[Any, Any, Any],
    route: str,
    template: str,
    rows: Sequence[PageRow],
    extra: Extra,
    *also: Any,
) -> CachedPage:
    """``template`` showing ``rows`` to an anonymous visitor (not an htmx fragment): the kept
    rendering when the rows are unchanged, else rendered (``extra``: the rest of the
    template's context, given the statuses) and kept. ``also``: what else the page shows
    that the key must follow (a profile's account version and featured tags)."""
    configure(services(request).settings)
    key = key_of(request, route, rows_key(rows), *also)
    found = kept(key)
    if found is not None:
        return CachedPage(key=key, found=found, template_name=template, context={})
    shown = await public_rows(services(request), rows)
    context = {"me": None, "lang": i18n.current(), "path": request.url.path}
    context.update(await extra(shown))
    return CachedPage(
        key=key,
        found=None,
        template_name=template,
        context={**context, "statuses": shown, "fragments": fragments(request, rows, shown)},
        served=served_of(shown),
    )
