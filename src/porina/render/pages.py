"""Pages of statuses rendered for one viewer through the process's status cache.

The API's home and public timelines, a single status and its context (signed in or not) and
the web's home page all take page rows (``timelines/page.py``) and render them here: no query
when every rendering is cached, one for those that are not, one more for the viewer's filters
when they have any, one more for the quoted posts when the page has quote posts
(``render/quotes.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import msgspec

from porina.analytics import impressions
from porina.interactions.filters import (
    ActiveFilter,
    FilterContext,
    apply_filters,
    load_active_of,
    prepare,
)
from porina.posts.models import Status
from porina.render import entities as e
from porina.render.quotes import fill, quoting_of
from porina.render.runtime import Runtime
from porina.render.status_cache import Cached, Found, StatusCache, Viewing
from porina.timelines.page import PageRow


async def home_json(
    svc: Runtime, viewer_id: int | None, rows: Sequence[PageRow], context: FilterContext = "home"
) -> bytes:
    """``rows`` rendered for the viewer (None: anonymous) as a JSON array, minus those a
    ``hide`` filter for ``context`` matches. A viewer without active filters (nearly
    everyone) on a page without quote posts gets the cached encodings joined; filters and
    quotes need the entities."""
    cache, found, filters = await _cached(svc, viewer_id, rows)
    if viewer_id is None or filters or has_quotes(found):
        shown = await rendered_rows(svc, viewer_id, rows, found, filters)
        return msgspec.json.encode(apply_filters(shown, context) if filters else shown)
    return b"[" + b",".join(part for _, part in _encodings(cache, viewer_id, rows, found)) + b"]"


async def personal_rows(
    svc: Runtime, viewer_id: int, rows: Sequence[PageRow]
) -> tuple[list[e.Status], bool]:
    """``rows`` rendered for the viewer through the process's status cache (no query when
    every rendering is cached, one for those that are not, one more for the viewer's filters
    when they have any, one more for quoted posts when there are quotes), and whether the
    viewer has active filters."""
    _, found, filters = await _cached(svc, viewer_id, rows)
    return await rendered_rows(svc, viewer_id, rows, found, filters), bool(filters)


async def found_rows(
    svc: Runtime, viewer_id: int, rows: Sequence[PageRow]
) -> tuple[list[Found | None], list[ActiveFilter]]:
    """What the status cache holds for each of ``rows`` at their versions (reading those it
    did not: None for a status deleted meanwhile; an impression each), and the viewer's
    active filters: for a caller that renders from the cached parts itself (the web's home
    page keys its posts' HTML by them, ``web/reader_fragments.py``)."""
    _, found, filters = await _cached(svc, viewer_id, rows)
    return found, filters


def personal_one(svc: Runtime, hit: Found, row: PageRow, viewer_id: int) -> e.Status:
    """One of ``found_rows`` as the viewer sees it (a viewer without active filters, a
    status that quotes nothing: nothing more to read)."""
    return svc.status_cache.personal(hit, row, Viewing(viewer_id, []))


async def personal_parts(svc: Runtime, viewer_id: int, rows: Sequence[PageRow]) -> dict[int, bytes]:
    """``personal_rows`` encoded, one JSON document per row the cache found, by status id.
    A viewer without active filters on rows without quote posts (nearly every page) gets
    the cache's encodings, with no entity built; otherwise the entities are encoded."""
    cache, found, filters = await _cached(svc, viewer_id, rows)
    if filters or has_quotes(found):
        shown = await rendered_rows(svc, viewer_id, rows, found, filters)
        return {int(status.id): msgspec.json.encode(status) for status in shown}
    return dict(_encodings(cache, viewer_id, rows, found))


def _encodings(
    cache: StatusCache, viewer_id: int, rows: Sequence[PageRow], found: list[Found | None]
) -> Iterator[tuple[int, bytes]]:
    """(status id, the cache's JSON for the viewer) of each row found, in order: a viewer
    without active filters, rows without quote posts."""
    for row, hit in zip(rows, found, strict=True):
        if hit is not None:
            yield row.id, cache.personal_json(hit, row, viewer_id)


async def public_rows(svc: Runtime, rows: Sequence[PageRow]) -> list[e.Status]:
    """``rows`` as an anonymous reader sees them (no viewer's fields), through the cache."""
    _, found, _ = await _cached(svc, None, rows)
    return await rendered_rows(svc, None, rows, found, [])


async def rows_for(
    svc: Runtime, viewer_id: int | None, rows: Sequence[PageRow], *, seen: bool = True
) -> list[e.Status]:
    """``personal_rows`` for a viewer, ``public_rows`` for an anonymous reader. ``seen``
    False: not an impression (a status returned by a write, such as a favourite)."""
    _, found, filters = await _cached(svc, viewer_id, rows, seen=seen)
    return await rendered_rows(svc, viewer_id, rows, found, filters if viewer_id else [])


async def rendered_rows(
    svc: Runtime,
    viewer_id: int | None,
    rows: Sequence[PageRow],
    found: list[Found | None],
    filters: list[ActiveFilter],
) -> list[e.Status]:
    """What ``found`` (``found_rows``) shows, for the viewer (None: anonymous), with quoted
    posts filled."""
    cache = svc.status_cache
    hits = [hit for hit in found if hit is not None]
    if viewer_id is None:
        shown = [cache.public(hit) for hit in hits]
    else:
        shown = _personal(cache, rows, found, Viewing(viewer_id, filters))
    await fill_cached(svc, viewer_id, hits, shown)
    return shown


async def fill_cached(
    svc: Runtime, viewer_id: int | None, hits: Sequence[Found], shown: Sequence[e.Status]
) -> None:
    """Fill the quotes of ``shown``, the renderings of ``hits`` in the same order (one more
    statement when there are quotes: ``render/quotes.py``)."""
    quoting = quoting_of(
        (_shown(hit).status, status.reblog or status)
        for hit, status in zip(hits, shown, strict=True)
    )
    if quoting:
        async with svc.db.read() as session:
            await fill(svc.status_cache.renderer, session, viewer_id, quoting)


def _shown(hit: Found) -> Cached:
    """The status a page row shows: the boosted one for a boost."""
    return hit.reblog if hit.reblog is not None else hit.status


def has_quotes(found: Iterable[Found | None]) -> bool:
    """Whether any of ``found`` shows a quote post (its quoted post is read per viewer)."""
    return any(hit is not None and _shown(hit).quote_of_id is not None for hit in found)


def _personal(
    cache: StatusCache, rows: Sequence[PageRow], found: list[Found | None], viewing: Viewing
) -> list[e.Status]:
    return [
        cache.personal(hit, row, viewing)
        for row, hit in zip(rows, found, strict=True)
        if hit is not None
    ]


async def _cached(
    svc: Runtime, viewer_id: int | None, rows: Sequence[PageRow], *, seen: bool = True
) -> tuple[StatusCache, list[Found | None], list[ActiveFilter]]:
    """The process's status cache, what it holds for each of ``rows`` (reading those it did
    not: None for a status deleted meanwhile), and the viewer's active filters."""
    cache = svc.status_cache
    found = [cache.find(row) for row in rows]
    filters: list[ActiveFilter] = []
    has_filters = any(row.has_filters for row in rows)
    if has_filters or None in found:
        async with svc.db.read() as session:
            found = await cache.fill(session, viewer_id, rows)
            if has_filters and viewer_id is not None:
                filters = await load_active_of(session, viewer_id)
    if filters:  # matched now, off the loop when large; rendering finds the results
        await prepare(filters, found_statuses(found))
    if seen:
        impressions.note(_served(found), viewer_id)
    return cache, found, filters


def _served(found: Iterable[Found | None]) -> Iterable[tuple[int, int]]:
    """(status, author) of the local statuses a page shows: impressions, counted in memory
    (``analytics/impressions.py``)."""
    for hit in found:
        if hit is not None:
            shown = _shown(hit)
            if shown.local:
                yield shown.status_id, shown.author_id


def found_statuses(found: Iterable[Found | None]) -> list[Status]:
    """The statuses (and reblogged statuses) of what the cache found, for ``prepare``."""
    return [
        cached.status
        for hit in found
        if hit is not None
        for cached in (hit.status, hit.reblog)
        if cached is not None
    ]
