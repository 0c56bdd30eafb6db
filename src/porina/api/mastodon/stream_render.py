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

That is ``render_status``, through an ORM session. The hub takes ``render_many`` first, for
every status of its batch at once: the same two questions (statements 1 and 3) as prebuilt
statements on the driver, each for sixteen statuses and all the batch's readers per
execution (the readers who may see a status gathered into one array), sent at once with the
statuses' plain page rows (``timelines/page.py``) for their versions; each status's
rendering from the process's status cache, and each reader's JSON written from the cache's
encoding as the home timeline writes it (``StatusCache.personal_json``); the full page row,
with the reader a column, only for the author and the readers with marks (again a few
statements for the batch). Quote posts and readers with filters still go through
``render_status``. ``tests/api/test_streaming_batch.py`` holds both ways to what a timeline
gives each reader; ``tests/privacy``'s hub property runs whole worlds as one batch.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import msgspec
from sqlalchemy import (
    BigInteger,
    BindParameter,
    Select,
    bindparam,
    func,
    null,
    select,
    union_all,
)
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
from porina.storage.gathered import gathered_ids, ids_of
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
        .where(visible_clause(S, viewer, per_row=True))
        .where(S.reblog_of_id.is_(None) | visible_clause(R, viewer, per_row=True))
        .where(not_muted(viewer, moment, per_row=True))
    )


@functools.cache
def _marked() -> Any:
    """(status, viewer) for the viewers among ``viewers`` with anything ``viewer_state`` would
    find for status ``status_id`` (a superset: filters count whether or not they have
    expired): ``_marks_among`` for one status."""
    return _marks_among(
        [bindparam("status_id", type_=BigInteger)], bindparam("viewers", expanding=True)
    )


def _marks_among(statuses: Any, ids: Any) -> Any:
    """(status, reader) for the readers among ``ids`` with a favourite, bookmark, boost, pin
    or muted thread on each of ``statuses``; (None, reader) for the readers with filters,
    which count for every status."""
    every = cast(Any, null()).cast(BigInteger)
    return union_all(
        select(Favourite.status_id, Favourite.account_id).where(
            Favourite.account_id.in_(ids), Favourite.status_id.in_(statuses)
        ),
        select(Bookmark.status_id, Bookmark.account_id).where(
            Bookmark.account_id.in_(ids), Bookmark.status_id.in_(statuses)
        ),
        select(Status.reblog_of_id, Status.account_id).where(
            Status.account_id.in_(ids), Status.reblog_of_id.in_(statuses)
        ),
        select(StatusPin.status_id, StatusPin.account_id).where(
            StatusPin.account_id.in_(ids), StatusPin.status_id.in_(statuses)
        ),
        select(THREAD.id, StatusMute.account_id)
        .join(THREAD, StatusMute.thread_id == func.coalesce(THREAD.thread_id, THREAD.id))
        .where(StatusMute.account_id.in_(ids), THREAD.id.in_(statuses)),
        select(every, Filter.account_id).where(Filter.account_id.in_(ids)),
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
        marked = {int(v) for _, v in (await session.execute(_marked(), params)).all()}
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
# posts a second, 1,000 streams received a fifth of their events within 5 s). ``render_many``
# reads the statuses' page rows for the readers apart at once (``timelines/page.py``'s
# statement with the reader a column instead of the bound viewer), on the driver, and writes
# each reader's JSON from the status cache's encoding (``StatusCache.personal_json``), as the
# home timeline does: the same rule decides who sees it, the same marks go into the body.
# What the cached encoding does not cover goes the complete way: a quote post (its quoted
# status is filled per reader) and readers with filters.

READER_SLOTS = "porina_reader"
STATUS_SLOTS = "porina_event"
STATUSES_AT_ONCE = 16
"""Statuses per statement of a batch's reads: ``_visible_sets`` weighs each of them against
every reader of the batch (16 statuses and 1,000 readers: 16,000 pairs, a few milliseconds)."""
FEW = 8
"""A status with at most this many readers apart shares its statement of their page rows
with other such statuses (``_apart_rows``); one with more (a boost, a poll) has its own."""
READS_AT_ONCE = 3
"""Statements of the readers' page rows in flight at once for a batch (on the hub's own pool
of ``fastread.STREAM_POOL`` connections)."""


@functools.cache
def _reader_rows(statuses: int, readers: int) -> Prebuilt:
    """The page row of each of ``statuses`` statuses (``porina_event_0`` ...) for each of
    ``readers`` readers (``porina_reader_0`` ...), the reader's id last:
    ``page.from_candidates`` with every use of the page's bound viewer replaced by the
    candidates' reader column."""
    given = aliased(Status, name="given")
    reader = aliased(Account, name="reader")
    candidates = (
        select(given.id.label("status_id"), reader.id.label("reader_id"))
        .select_from(given)
        .join(reader, reader.id.in_(in_slots(READER_SLOTS, readers)))
        .where(given.id.in_(in_slots(STATUS_SLOTS, statuses)))
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
    svc: Runtime, statuses: list[int], readers: list[int]
) -> list[tuple[int, page.PageRow]]:
    """(reader, page row) of each of ``statuses`` for each of ``readers`` (hidden ones
    included: check ``visible``), one statement per ``STATUSES_AT_ONCE`` statuses and
    ``SLOTS[-1]`` readers."""
    out: list[tuple[int, page.PageRow]] = []
    for size, readers_size, given in _grid(statuses, readers, {"porina_moment": now()}):
        raw = await svc.db.fast.fetch(_reader_rows(size, readers_size), given)
        out.extend(page.cursor_rows(raw))
    return out


async def _apart_rows(
    svc: Runtime, aparts: dict[int, set[int]]
) -> dict[int, list[tuple[int, page.PageRow]]]:
    """Each status's page rows for its readers apart (``_apart``): statuses with ``FEW`` or
    fewer of them ``STATUSES_AT_ONCE`` to a statement (every pair of the chunk's statuses and
    readers read, those not asked for dropped), the others one statement each."""
    few = sorted(s for s, readers in aparts.items() if 0 < len(readers) <= FEW)
    reads = [
        (
            few[i : i + STATUSES_AT_ONCE],
            sorted(set().union(*(aparts[s] for s in few[i : i + STATUSES_AT_ONCE]))),
        )
        for i in range(0, len(few), STATUSES_AT_ONCE)
    ]
    reads += [([s], sorted(readers)) for s, readers in aparts.items() if len(readers) > FEW]
    bound = asyncio.Semaphore(READS_AT_ONCE)

    async def one(statuses: list[int], readers: list[int]) -> list[tuple[int, page.PageRow]]:
        async with bound:
            return await reader_rows(svc, statuses, readers)

    out: dict[int, list[tuple[int, page.PageRow]]] = {}
    for found in await asyncio.gather(*(one(*read) for read in reads)):
        for reader, row in found:
            if reader in aparts[row.id]:
                out.setdefault(row.id, []).append((reader, row))
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
def _visible_sets(statuses: int, readers: int) -> Prebuilt:
    """Each status and the readers who may see it (``gathered_ids``): ``_visible_among`` for
    ``statuses`` statuses (``porina_event_0`` ...) at once."""
    viewer = cast(Any, V.id)
    moment = bindparam("moment", type_=UTCDateTime())
    # each status and the one it boosts by its id, found before the readers join (joined on
    # ``S.reblog_of_id`` beside them, PostgreSQL hashed every status to find the boosted one)
    event = aliased(Status, name="event")
    shown = (
        select(event.id.label("status_id"), event.reblog_of_id.label("boosted_id"))
        .where(event.id.in_(in_slots(STATUS_SLOTS, statuses)))
        .subquery("shown")
    )
    # the statuses by their ids again beside the join: without it PostgreSQL hashed every
    # status (a sequential scan, 15 of a 45 ms statement on 50,000 statuses)
    ids = S.id.in_(in_slots(STATUS_SLOTS, statuses))
    return Prebuilt(
        select(shown.c.status_id, gathered_ids(V.id))
        .select_from(shown)
        .join(S, (S.id == shown.c.status_id) & ids)
        .outerjoin(R, R.id == shown.c.boosted_id)
        .join(V, V.id.in_(in_slots(READER_SLOTS, readers)))
        .where(visible_clause(S, viewer, per_row=True))
        .where(S.reblog_of_id.is_(None) | visible_clause(R, viewer, per_row=True))
        .where(not_muted(viewer, moment, per_row=True))
        .group_by(shown.c.status_id)
    )


async def _visible(
    svc: Runtime, statuses: list[int], readers: list[int], wanted: dict[int, set[int | None]]
) -> dict[int, set[int]]:
    """Who among each status's ``wanted`` readers may see it: one execution of
    ``_visible_sets`` per ``STATUSES_AT_ONCE`` statuses and ``SLOTS[-1]`` readers, one after
    another (the hub's pool is small)."""
    out: dict[int, set[int]] = {}
    for size, readers_size, given in _grid(statuses, readers, {"moment": now()}):
        for status_id, ids in await svc.db.fast.fetch(_visible_sets(size, readers_size), given):
            found = out.setdefault(int(status_id), set())
            found.update(set(ids_of(ids)).intersection(wanted[int(status_id)]))
    return out


@functools.cache
def _marked_pairs(statuses: int, readers: int) -> Prebuilt:
    """``_marks_among`` for ``statuses`` statuses (``porina_event_0`` ...) at once."""
    return Prebuilt(_marks_among(in_slots(STATUS_SLOTS, statuses), in_slots(READER_SLOTS, readers)))


def _grid(
    statuses: list[int], readers: list[int], params: dict[str, Any]
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(status slots, reader slots, parameters) for each ``STATUSES_AT_ONCE`` statuses and
    ``SLOTS[-1]`` readers."""
    for start in range(0, len(statuses), STATUSES_AT_ONCE):
        chunk = statuses[start : start + STATUSES_AT_ONCE]
        size = slots_for(len(chunk))
        given = {**params, **slot_values(STATUS_SLOTS, chunk, size)}
        for readers_size, both in _chunks(readers, given):
            yield size, readers_size, both


async def _marks(
    svc: Runtime, statuses: list[int], readers: list[int]
) -> dict[int | None, set[int]]:
    """Each status's readers with marks on it (``_marked_pairs``); under None, the readers
    with filters (every status)."""
    out: dict[int | None, set[int]] = {}
    for size, readers_size, given in _grid(statuses, readers, {}):
        for status_id, reader in await svc.db.fast.fetch(_marked_pairs(size, readers_size), given):
            out.setdefault(None if status_id is None else int(status_id), set()).add(int(reader))
    return out


def _apart(found: Found, base: page.PageRow, visible: set[int], marked: set[int]) -> set[int]:
    """The readers among ``visible`` whose JSON may differ from a reader's with nothing of
    their own on the status (``base``'s marks): its author, and the ``marked`` ones (a
    favourite, bookmark, boost, pin, muted thread, or a filter). A boost or a poll: all of
    them (a boost's own thread mute, each reader's votes)."""
    if base.reblog_of_id is not None or _shown(found).poll is not None:
        return set(visible)
    return (marked | {base.account_id}) & visible


Fast = tuple[Rendered, set[int]] | None
"""``render_fast``'s answer for a status: each reader's payload and the readers left for the
complete way (those with filters); None: every reader the complete way (a quote post)."""


async def render_fast(svc: Runtime, status_id: int, viewers: Iterable[int | None]) -> Fast:
    """``render_status`` through page rows and the status cache, for one status."""
    return (await render_many(svc, {status_id: set(viewers)}))[status_id]


async def render_many(svc: Runtime, wanted: dict[int, set[int | None]]) -> dict[int, Fast]:
    """``render_status`` through page rows and the status cache for each status of
    ``wanted`` (its viewers; None: anonymous), every status in the same few statements: the
    plain page rows, who may see which, who has marks on which. Every answer None when the
    cache reads its misses through a session."""
    if svc.status_cache.needs_session:
        return dict.fromkeys(wanted)
    ids = sorted(wanted)
    readers = sorted({v for viewers in wanted.values() for v in viewers if v is not None})
    # the three reads need only the statuses and the readers: sent at once, on three of the
    # hub's connections; the marks go unused for a boost or a poll (``_apart``)
    bases, seen, marks = await asyncio.gather(
        page.for_ids(svc.db, None, ids, mutes=False),
        _visible(svc, ids, readers, wanted) if readers else _nobody(),
        _marks(svc, ids, readers) if readers else _nobody(),
    )
    by_id = {row.id: row for row in bases}
    filtered = marks.get(None, set())
    found = await _found(svc.status_cache, wanted, by_id, seen)
    aparts: dict[int, set[int]] = {}
    for status_id, hit in found.items():
        if _shown(hit).quote_of_id is None:
            visible = seen.get(status_id, set())
            marked = marks.get(status_id, set()) | filtered
            aparts[status_id] = _apart(hit, by_id[status_id], visible, marked)
    rows = await _apart_rows(svc, aparts)
    return {
        status_id: _answer(
            svc.status_cache,
            by_id.get(status_id),
            found.get(status_id),
            wanted=wanted[status_id],
            visible=seen.get(status_id, set()),
            apart=(aparts.get(status_id, set()), rows.get(status_id, [])),
        )
        for status_id in ids
    }


async def _nobody() -> dict[Any, set[int]]:
    return {}


async def _found(
    cache: StatusCache,
    wanted: dict[int, set[int | None]],
    bases: dict[int, page.PageRow],
    seen: dict[int, set[int]],
) -> dict[int, Found]:
    """Each status's rendering from the cache, the misses read once per loader: anonymous
    for a status anybody may see, else the first reader who may see it."""
    loaders: dict[int | None, list[page.PageRow]] = {}
    for status_id, base in bases.items():
        readers = seen.get(status_id)
        if base.visible and (readers or None in wanted[status_id]):
            loaders.setdefault(None, []).append(base)
        elif readers:
            loaders.setdefault(min(readers), []).append(base)
    out: dict[int, Found] = {}
    filled = await asyncio.gather(*(cache.fill(None, v, rows) for v, rows in loaders.items()))
    for rows, answers in zip(loaders.values(), filled, strict=True):
        out.update((row.id, hit) for row, hit in zip(rows, answers, strict=True) if hit)
    return out


def _answer(
    cache: StatusCache,
    base: page.PageRow | None,
    found: Found | None,
    *,
    wanted: set[int | None],
    visible: set[int],
    apart: tuple[set[int], list[tuple[int, page.PageRow]]],
) -> Fast:
    """One status's answer of ``render_many``: the shared bodies from the cache, the readers
    apart (its author, those with marks: ``apart``, with their page rows) each their own."""
    if base is None or found is None:  # gone, nobody may see it, or deleted since the event
        return NOTHING, set()
    if _shown(found).quote_of_id is not None:
        return None
    payloads: dict[int | None, str] = {}
    if None in wanted and base.visible:
        payloads[None] = _json(cache.public(found))
    readers, rows = apart
    alone = _personal(cache, found, rows, payloads)
    shared = [v for v in visible if v not in readers]
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
