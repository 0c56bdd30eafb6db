"""Impressions and reach, counted privately and off the hot path (issue 17, point 2).

An impression is a local status served to a reader in a page of statuses (a timeline, a
thread, a profile, search results, an embed; API and web), counted where such a page is
rendered (``render/pages.py`` for the status cache's pages, ``render/quotes.render_bundles``
for the rest). ``note`` only adds one to this process's count of the page (by hour, reader
and the page's statuses): no statement, no await, no per-status work on the request.
``flush`` (every ``FLUSH_SECONDS`` by a task each serving process runs, and at shutdown)
adds the counts to ``analytics_impressions`` (one row per status and hour), the signed-in
readers to ``analytics_viewers`` (one row per status, day and reader, ``ON CONFLICT DO
NOTHING``: a status's reach), and the days each reader was served each author's statuses to
``analytics_readers`` (``readers.py``: an account's reach). The serving process's flusher
remembers the reader rows it wrote today (``Written``) and does not send them again.

The trade-off, honestly: a process that crashes loses the impressions of its last few
seconds (at most ``FLUSH_SECONDS`` of them). Impressions are estimates; no write of a user
ever waits on them or is lost with them. Only aggregates leave this module: no endpoint
tells a brand who saw what. The flush's statements are left out of ``db.query_count``
(which the pinned query counts of tests/api/test_read_costs*.py read): they belong to no
request, and a tick may land inside any request's window.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from porina.accounts.models import Account
from porina.analytics import readers
from porina.analytics.models import AnalyticsImpressions, AnalyticsProfileVisits, AnalyticsViewer
from porina.core.clock import now
from porina.storage.db import UNCOUNTED, Database, Tx, with_defaults
from porina.storage.fastread import Prebuilt

log = logging.getLogger(__name__)

FLUSH_SECONDS = 5.0
MAX_PAGES = 200_000
"""Distinct pages a buffer holds at most: a process whose flushes keep failing (or that never
starts its flusher) stops counting new pages rather than growing without end."""
MAX_WRITTEN = 50_000
"""Readers' rows (``Written``) a process remembers having written, about 8 MB at most."""
IMPRESSIONS = AnalyticsImpressions.__table__
VIEWERS = AnalyticsViewer.__table__
VISITS = AnalyticsProfileVisits.__table__


Served = tuple[datetime, int | None, tuple[tuple[int, int], ...]]
"""(hour, reader or None, the (status, author) pairs of one page)."""


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class Buffer:
    """Pages served and not yet written, counted by (hour, reader, page): a reader who
    refreshes the same page adds one to a count (the hot path hashes the page and pays for
    nothing more), and a flush does the per-status work once per distinct page."""

    pages: Counter[Served] = field(default_factory=Counter)
    visits: list[tuple[datetime, int]] = field(default_factory=list)
    enabled: bool = True
    """``PORINA_ANALYTICS_IMPRESSIONS`` (set when the services are built)."""

    def note(self, served: Iterable[tuple[int, int]], viewer_id: int | None) -> None:
        """``served`` are (status id, author id) of local statuses a reader was served."""
        if self.enabled:
            self.add(now(), viewer_id, tuple(served))

    def add(
        self, moment: datetime, viewer_id: int | None, shown: tuple[tuple[int, int], ...]
    ) -> None:
        key = (_hour(moment), viewer_id, shown)
        if shown and (key in self.pages or len(self.pages) < MAX_PAGES):
            self.pages[key] += 1

    def visit(self, account_id: int, viewer_id: int | None) -> None:
        """A reader opened ``account_id``'s profile (the dictionary's ``profile_visits``);
        the account's own visits are not counted, and no visitor is kept."""
        if self.enabled and viewer_id != account_id and len(self.visits) < MAX_PAGES:
            self.visits.append((now(), account_id))

    def take(self) -> Counter[Served]:
        taken, self.pages = self.pages, Counter()
        return taken

    def take_visits(self) -> Counter[tuple[int, datetime]]:
        taken, self.visits = self.visits, []
        return Counter((account_id, _hour(moment)) for moment, account_id in taken)


def counted(
    pages: Counter[Served],
) -> tuple[Counter[tuple[int, int, datetime]], dict[tuple[int, date, int], int]]:
    """Impressions per (status, author, hour) and readers per (status, day, reader) ->
    author; the author reading their own status counts for neither."""
    counts: Counter[tuple[int, int, datetime]] = Counter()
    viewers: dict[tuple[int, date, int], int] = {}
    for (hour, viewer_id, shown), n in pages.items():
        others = shown if viewer_id is None else [(s, a) for s, a in shown if a != viewer_id]
        for status_id, author_id in others:
            counts[(status_id, author_id, hour)] += n
        if viewer_id is not None:
            day = hour.date()
            viewers.update({(s, day, viewer_id): a for s, a in others})
    return counts, viewers


BUFFER = Buffer()


def note(served: Iterable[tuple[int, int]], viewer_id: int | None) -> None:
    BUFFER.note(served, viewer_id)


def visit(account_id: int, viewer_id: int | None) -> None:
    BUFFER.visit(account_id, viewer_id)


def _upsert(dialect: str, table: Any, rows: list[dict[str, Any]]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["status_id", "hour"],
        set_={"impressions": table.c.impressions + statement.excluded.impressions},
    )


def _add_visits(dialect: str, table: Any, rows: list[dict[str, Any]]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["account_id", "hour"],
        set_={"visits": table.c.visits + statement.excluded.visits},
    )


def _if_absent(dialect: str, table: Any, rows: list[dict[str, Any]]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).values(rows).on_conflict_do_nothing()


def _or_days(dialect: str, table: Any, rows: list[dict[str, Any]]) -> Any:
    return readers.upsert(dialect, rows)


CHUNK = 500
Build = Callable[[str, Any, list[dict[str, Any]]], Any]
"""A statement builder: (dialect, table, rows) -> an ``INSERT`` of the rows."""


@dataclass(slots=True)
class Written:
    """The (status, day, reader) rows this process has written: a reader served the same
    status again the same day adds no reader row and no reach bit, so a flush leaves those
    out instead of asking the database to ignore them (a reader refreshing their home
    timeline would otherwise rewrite the same rows every few seconds). Remembered for the
    current day only, and ``MAX_WRITTEN`` at most; another process's rows are still
    ignored by the database (``ON CONFLICT DO NOTHING``)."""

    keys: set[tuple[int, date, int]] = field(default_factory=set)
    day: date | None = None

    def new(self, viewers: dict[tuple[int, date, int], int]) -> dict[tuple[int, date, int], int]:
        return {k: a for k, a in viewers.items() if k not in self.keys}

    def remember(self, keys: Iterable[tuple[int, date, int]], today: date) -> None:
        kept = [k for k in keys if k[1] == today]
        if today != self.day or len(self.keys) + len(kept) > MAX_WRITTEN:
            self.keys.clear()
            self.day = today
        self.keys.update(kept[:MAX_WRITTEN])


async def flush(db: Database, written: Written | None = None) -> int:
    """Write what the buffer holds; the number of impressions written. With ``written``,
    reader rows it remembers are left out, and the ones written are remembered."""
    await flush_visits(db)
    counts_of, viewers_of = counted(BUFFER.take())
    if written is not None:
        viewers_of = written.new(viewers_of)
    if not counts_of and not viewers_of:
        return 0
    counts = [
        {"status_id": s, "account_id": a, "hour": h, "impressions": n}
        for (s, a, h), n in sorted(counts_of.items())
    ]
    viewers = [
        {"status_id": s, "day": d, "viewer_id": v, "account_id": a}
        for (s, d, v), a in sorted(viewers_of.items())
    ]
    bits = readers.bitmaps((a, d, v) for (_, d, v), a in viewers_of.items())
    days = [
        {"account_id": a, "block": b, "viewer_id": v, "days": n}
        for (a, b, v), n in sorted(bits.items())
    ]
    await _write(db, counts, viewers, days)
    if written is not None:
        written.remember(viewers_of, now().date())
    return sum(counts_of.values())


async def _write(
    db: Database,
    counts: list[dict[str, Any]],
    viewers: list[dict[str, Any]],
    days: list[dict[str, Any]],
) -> None:
    """The three kinds of rows, each as one ``executemany`` of a prebuilt one-row upsert: on
    SQLite on the transaction's own connection in this thread, so SQLite's write lock is
    never held across statement compilation or a hop to aiosqlite's thread (compiling a
    500-row ``INSERT`` per chunk held it for 0.4-0.8 s under the streaming load, and every
    post and job waited)."""
    async with db.transaction() as tx:
        dialect = tx.session.get_bind().dialect.name
        for table, rows, build in (
            (IMPRESSIONS, counts, _upsert),
            (VIEWERS, viewers, _if_absent),
            (readers.READERS, days, _or_days),
        ):
            await _write_rows(tx, dialect, table, rows, build)


async def _write_rows(
    tx: Tx, dialect: str, table: Any, rows: list[dict[str, Any]], build: Build
) -> None:
    if not rows:
        return
    full = [with_defaults(table, row) for row in rows]
    statement = _one_row(dialect, table, build, tuple(full[0]))
    # Not a request's cost: left out of the pinned query counts, even when the flush runs
    # while a request is being measured.
    await tx.run_many(statement, full, uncounted=True)


@functools.cache
def _one_row(dialect: str, table: Any, build: Build, columns: tuple[str, ...]) -> Prebuilt:
    """``build``'s statement for one row whose values are bound parameters named as the
    columns (compiled once per dialect, table and columns)."""
    binds = {name: bindparam(name, type_=table.c[name].type) for name in columns}
    return Prebuilt(build(dialect, table, [binds]))


async def flush_visits(db: Database) -> int:
    """Add the buffer's profile visits of local accounts to ``analytics_profile_visits``;
    the number written (a remote account's visits are dropped: its figures are not ours).
    Which accounts are local is read before the write transaction."""
    visits = BUFFER.take_visits()
    if not visits:
        return 0
    ids = sorted({account_id for account_id, _ in visits})
    local: set[int] = set()
    async with db.read() as session:
        for start in range(0, len(ids), CHUNK):
            found = await session.execute(
                select(Account.id).where(
                    Account.id.in_(ids[start : start + CHUNK]), Account.domain.is_(None)
                ),
                execution_options={UNCOUNTED: True},
            )
            local.update(found.scalars())
    kept = [(a, h, n) for (a, h), n in sorted(visits.items()) if a in local]
    rows = [{"account_id": a, "hour": h, "visits": n} for a, h, n in kept]
    async with db.transaction() as tx:
        dialect = tx.session.get_bind().dialect.name
        await _write_rows(tx, dialect, VISITS, rows, _add_visits)
    return sum(n for _, _, n in kept)


class Flusher:
    """The task that flushes every ``FLUSH_SECONDS`` in a serving process, and once more at
    stop."""

    def __init__(self, db: Database, every: float = FLUSH_SECONDS) -> None:
        self.db = db
        self.every = every
        self.task: asyncio.Task[None] | None = None
        self.written = Written()

    def start(self) -> None:
        """Flush every ``every`` seconds from now on; with ``every`` 0, only at stop."""
        if self.every > 0:
            self.task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await _flush_or_log(self.db, self.written)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        await _flush_or_log(self.db, self.written)


async def _flush_or_log(db: Database, written: Written | None = None) -> None:
    """A database that fails the write loses that batch (impressions are estimates) and says
    so; any other error is a bug and is raised."""
    try:
        await flush(db, written)
    except DBAPIError:  # the driver failed the write (connection lost, locked, a constraint)
        log.warning("impressions: a batch was not written", exc_info=True)
