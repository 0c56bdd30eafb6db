"""One status event rendered for every stream reader at once (``streaming.py``).

For a status and the viewers whose streams it reached, in three statements whatever their
number:

1. **who may see it**: the viewers for whom the status passes the same visibility rule as
   every timeline (``posts.visibility.visible_clause``, for the status and a reblogged
   status) and is not hidden by their mutes and blocks (``timelines.queries.not_muted``),
   with the viewer a column of the statement instead of a parameter;
2. **the rows**: the status as ``bundle_select`` reads it, once;
3. **who has marks on it**: viewers with a favourite, bookmark, boost, pin, muted thread or
   poll vote on it, or with any filter. Only they get ``viewer_state`` read for them alone
   (the same query a timeline page uses) and a rendering of their own.

Everybody else who may see it gets one shared rendering: a status rendered for a signed-in
viewer who is not its author, with nothing marked and no poll, does not depend on who that
viewer is (``Renderer.status_row``: the viewer's id only decides the author's own fields,
the poll and the marks). Anonymous readers share the anonymous rendering. Nobody is sent a
status the rule hides from them: a viewer not returned by statement 1 gets ``None``.

That is ``render_status``, through an ORM session. The hub takes ``render_fast`` first: the
same two questions (statements 1 and 3) as prebuilt statements on the driver, sent at once
with the status's plain page row (``timelines/page.py``) for its versions (none of the three
waits for another: one round trip's wait, not three), its rendering from the process's
status cache, and each reader's JSON written from the cache's encoding as the home timeline
writes it (``StatusCache.personal_json``); the full page row, with the reader a column, only
for the author and the readers with marks. Quote posts and readers with filters still go
through ``render_status``. ``tests/api/test_streaming_batch.py`` holds both ways to what a
timeline gives each reader.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import msgspec
from sqlalchemy import BigInteger, BindParameter, Select, bindparam, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.visitors import ExternallyTraversible, replacement_traverse

from porina.accounts.models import Account
from porina.core.clock import now
from porina.interactions.models import Bookmark, Favourite, Filter, StatusMute
from porina.interactions.viewer import ViewerState, viewer_state
from porina.posts.models import Status, StatusPin
from porina.posts.queries import VIEWER, Bundle, R, S, bundle_select, bundles
from porina.posts.visibility import visible_clause
from porina.render.renderer import Renderer
from porina.render.runtime import Runtime
from porina.render.status_cache import Found, StatusCache
from porina.storage.base import UTCDateTime
from porina.storage.db import SLOTS, in_slots, slot_values, slots_for
from porina.storage.fastread import Prebuilt
from porina.timelines import page
from porina.timelines.queries import not_muted

V = aliased(Account, name="v")
BOOSTER = aliased(Status, name="booster")
THREAD = aliased(Status, name="thread")


@dataclass(frozen=True, slots=True)
class Rendered:
    """One status for each viewer who may see it (JSON text), and whether it has media."""

    payloads: dict[int | None, str]
    media: bool


NOTHING = Rendered({}, False)


@functools.cache
def _visible_to() -> Select[Any]:
    """Viewers (``v``) among ``viewers`` who may see status ``status_id``, less those who
    mute or block its author (or the reblogged status's)."""
    return _visible_among(bindparam("viewers", expanding=True))


def _visible_among(viewers: Any) -> Select[Any]:
    viewer = cast(Any, V.id)  # a column where the rules take an id: one row per viewer
    moment = bindparam("moment", type_=UTCDateTime())
    status_id = bindparam("status_id", type_=BigInteger)
    # the boosted status by its id, read first (an init plan): joined on ``S.reblog_of_id``,
    # PostgreSQL hashed every status to find it, 18 ms a statement on 50,000 statuses
    boosted = select(BOOSTER.reblog_of_id).where(BOOSTER.id == status_id).scalar_subquery()
    return (
        select(V.id)
        .select_from(V)
        .join(S, S.id == status_id)
        .outerjoin(R, R.id == boosted)
        .where(V.id.in_(viewers))
        .where(visible_clause(S, viewer))
        .where(S.reblog_of_id.is_(None) | visible_clause(R, viewer))
        .where(not_muted(viewer, moment))
    )


@functools.cache
def _marked() -> Any:
    """Viewers among ``viewers`` with anything ``viewer_state`` would find for the status
    (a superset: filters count whether or not they have expired)."""
    return _marked_among(bindparam("viewers", expanding=True))


def _marked_among(ids: Any) -> Any:
    sid = bindparam("status_id", type_=BigInteger)
    thread = (
        select(func.coalesce(THREAD.thread_id, THREAD.id)).where(THREAD.id == sid).scalar_subquery()
    )
    return union_all(
        select(Favourite.account_id).where(
            Favourite.account_id.in_(ids), Favourite.status_id == sid
        ),
        select(Bookmark.account_id).where(Bookmark.account_id.in_(ids), Bookmark.status_id == sid),
        select(Status.account_id).where(Status.account_id.in_(ids), Status.reblog_of_id == sid),
        select(StatusPin.account_id).where(
            StatusPin.account_id.in_(ids), StatusPin.status_id == sid
        ),
        select(StatusMute.account_id).where(
            StatusMute.account_id.in_(ids), StatusMute.thread_id == thread
        ),
        select(Filter.account_id).where(Filter.account_id.in_(ids)),
    )


def _json(entity: Any) -> str:
    return msgspec.json.encode(entity).decode()


async def render_status(
    session: AsyncSession, renderer: Renderer, status_id: int, viewers: Iterable[int | None]
) -> Rendered:
    """``status_id`` for each of ``viewers`` allowed to see it (``None``: anonymous)."""
    wanted = set(viewers)
    signed = [v for v in wanted if v is not None]
    allowed: list[int] = []
    if signed:
        params = {"status_id": status_id, "viewers": signed, "moment": now()}
        allowed = [int(v) for v in (await session.scalars(_visible_to(), params)).all()]
    if not allowed and None not in wanted:
        return NOTHING
    loader = allowed[0] if allowed else None
    found = await bundles(session, bundle_select(loader).where(S.id == status_id))
    if not found:
        return NOTHING
    item = found[0]
    payloads: dict[int | None, str] = {}
    if None in wanted:
        if loader is not None:  # read for a signed-in viewer: the anonymous rule on its own
            public = await bundles(session, bundle_select(None).where(S.id == status_id))
        else:
            public = found
        if public:
            payloads[None] = _json(renderer.bundle(public[0], ViewerState(), None))
    if allowed:
        payloads.update(await _signed(session, renderer, item, allowed))
    return Rendered(payloads, bool(item.shown.status.media))


async def _signed(
    session: AsyncSession, renderer: Renderer, item: Bundle, allowed: list[int]
) -> dict[int | None, str]:
    shown = item.shown.status
    authors = {item.entry.status.account_id, shown.account_id}
    own = set(allowed) & authors
    if item.shown.poll is not None or (item.reblog is not None and item.entry.poll is not None):
        alone = set(allowed)  # a poll shows each viewer's own votes
    else:
        params = {"viewers": allowed, "status_id": shown.id}
        marked = {int(v) for v in (await session.scalars(_marked(), params)).all()}
        alone = own | (marked & set(allowed))
    out: dict[int | None, str] = {}
    for vid in alone:
        state = await viewer_state(session, vid, [item])
        out[vid] = _json(renderer.bundle(item, state, vid))
    shared = [v for v in allowed if v not in alone]
    if shared:
        body = _json(renderer.bundle(item, ViewerState(), shared[0]))
        out.update(dict.fromkeys(shared, body))
    return out


# ---- The fast path: page rows and the process's status cache --------------------------------
#
# ``render_status`` reads through an ORM session: on SQLite each of its statements is a hop to
# aiosqlite's thread and back through the event loop, and the hub renders a batch's statuses
# one after another, so under load every status waited for several turns of a busy loop (at 50
# posts a second, 1,000 streams received a fifth of their events within 5 s). ``render_fast``
# reads the status's page row for every signed-in reader at once (``timelines/page.py``'s
# statement with the reader a column instead of the bound viewer), on the driver, and writes
# each reader's JSON from the status cache's encoding (``StatusCache.personal_json``), as the
# home timeline does: the same rule decides who sees it, the same marks go into the body.
# What the cached encoding does not cover goes the complete way: a quote post (its quoted
# status is filled per reader) and readers with filters.

READER_SLOTS = "porina_reader"
STATUS = bindparam("porina_status", type_=BigInteger)


@functools.cache
def _reader_rows(size: int) -> Prebuilt:
    """Status ``porina_status``'s page row for each of ``size`` readers (``porina_reader_0``
    ...), the reader's id last: ``page.from_candidates`` with every use of the page's bound
    viewer replaced by the candidates' reader column."""
    given = aliased(Status, name="given")
    reader = aliased(Account, name="reader")
    candidates = (
        select(given.id.label("status_id"), reader.id.label("reader_id"))
        .select_from(given)
        .join(reader, reader.id.in_(in_slots(READER_SLOTS, size)))
        .where(given.id == STATUS)
        .subquery("candidates")
    )
    column = candidates.c.reader_id
    built: Any = page.from_candidates(candidates, ascending=False, cursor=column).statement

    def swap(element: ExternallyTraversible, **_: Any) -> ExternallyTraversible | None:
        if isinstance(element, BindParameter) and element.key == VIEWER.key:
            return column
        return None

    return Prebuilt(replacement_traverse(built, {"stop_on": [candidates]}, swap))


async def reader_rows(
    svc: Runtime, status_id: int, readers: list[int]
) -> list[tuple[int, page.PageRow]]:
    """(reader, page row) of ``status_id`` for each of ``readers`` (hidden ones included:
    check ``visible``), one statement per ``SLOTS[-1]`` readers."""
    params: dict[str, Any] = {"porina_status": status_id, "porina_moment": now()}
    out: list[tuple[int, page.PageRow]] = []
    for size, given in _chunks(readers, params):
        out.extend(page.cursor_rows(await svc.db.fast.fetch(_reader_rows(size), given)))
    return out


def _chunks(readers: list[int], params: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(slot size, parameters) for each ``SLOTS[-1]`` readers: ``params`` and their slots."""
    largest = SLOTS[-1]
    for start in range(0, len(readers), largest):
        chunk = readers[start : start + largest]
        size = slots_for(len(chunk))
        yield size, {**params, **slot_values(READER_SLOTS, chunk, size)}


def _shown(found: Found) -> Any:
    return found.reblog if found.reblog is not None else found.status


def _share_key(row: page.PageRow, reader: int) -> tuple[Any, ...]:
    """What a reader's JSON depends on: the row (marks, versions) and whether the reader
    wrote the status or the boosted one (own pins, poll totals, quote approval)."""
    own = reader if reader in (row.account_id, row.reblog_account_id) else 0
    return (*row, own)


@functools.cache
def _visible_slots(size: int) -> Prebuilt:
    return Prebuilt(_visible_among(in_slots(READER_SLOTS, size)))


@functools.cache
def _marked_slots(size: int) -> Prebuilt:
    return Prebuilt(_marked_among(in_slots(READER_SLOTS, size)))


async def _among(
    svc: Runtime, statement: Any, readers: list[int], params: dict[str, Any]
) -> set[int]:
    """The readers ``statement`` (``_visible_slots`` or ``_marked_slots``) returns, one
    execution per ``SLOTS[-1]`` readers."""
    out: set[int] = set()
    for size, given in _chunks(readers, params):
        out.update(int(r[0]) for r in await svc.db.fast.fetch(statement(size), given))
    return out


def _apart(found: Found, base: page.PageRow, visible: set[int], marked: set[int]) -> set[int]:
    """The readers among ``visible`` whose JSON may differ from a reader's with nothing of
    their own on the status (``base``'s marks): its author, and the ``marked`` ones (a
    favourite, bookmark, boost, pin, muted thread, or a filter). A boost or a poll: all of
    them (a boost's own thread mute, each reader's votes)."""
    if base.reblog_of_id is not None or _shown(found).poll is not None:
        return set(visible)
    return (marked | {base.account_id}) & visible


async def render_fast(
    svc: Runtime, status_id: int, viewers: Iterable[int | None]
) -> tuple[Rendered, set[int]] | None:
    """``render_status`` through page rows and the status cache: each viewer's payload, and
    the readers left for the complete way (those with filters). None when the status is a
    quote post, or the cache reads its misses through a session: every reader the complete
    way."""
    cache = svc.status_cache
    if cache.needs_session:
        return None
    wanted = set(viewers)
    signed = sorted(v for v in wanted if v is not None)
    # the three reads need only the status and the readers: sent at once, on three of the
    # pool's connections (one after another, each waited a turn of a busy event loop); the
    # marks go unused for a boost or a poll (``_apart``), an indexed read of a few rows
    bases, visible, marked = await asyncio.gather(
        page.for_ids(svc.db, None, [status_id], mutes=False),
        _among(svc, _visible_slots, signed, {"status_id": status_id, "moment": now()}),
        _among(svc, _marked_slots, signed, {"status_id": status_id}),
    )
    if not bases:
        return NOTHING, set()
    base = bases[0]  # the versions; every mark false, as for a reader with none
    public = None in wanted and base.visible
    if not visible and not public:
        return NOTHING, set()
    found = (await cache.fill(None, min(visible) if visible else None, [base]))[0]
    if found is None:  # deleted since the event
        return NOTHING, set()
    if _shown(found).status.quote_of_id is not None:
        return None
    payloads: dict[int | None, str] = {}
    if public:
        payloads[None] = _json(cache.public(found))
    apart = _apart(found, base, visible, marked)
    alone = _personal(cache, found, await reader_rows(svc, status_id, sorted(apart)), payloads)
    shared = [v for v in visible if v not in apart]
    if shared:
        body = cache.personal_json(found, base, shared[0]).decode()
        payloads.update(dict.fromkeys(shared, body))
    return Rendered(payloads, bool(_shown(found).entity.media_attachments)), alone


def _personal(
    cache: StatusCache,
    found: Found,
    rows: list[tuple[int, page.PageRow]],
    payloads: dict[int | None, str],
) -> set[int]:
    """Each row's reader's JSON into ``payloads`` (shared by readers whose rows match); the
    readers with filters, left for the complete way, returned."""
    alone: set[int] = set()
    made: dict[tuple[Any, ...], str] = {}
    for reader, row in rows:
        if not row.visible:
            continue
        if row.has_filters:
            alone.add(reader)
            continue
        key = _share_key(row, reader)
        body = made.get(key)
        if body is None:
            body = made[key] = cache.personal_json(found, row, reader).decode()
        payloads[reader] = body
    return alone
