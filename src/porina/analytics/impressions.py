"""Impressions and reach, counted privately and off the hot path (issue 17, point 2).

An impression is a local status served to a reader in a page of statuses (a timeline, a
thread, a profile, search results, an embed; API and web), counted where such a page is
rendered (``render/pages.py`` for the status cache's pages, ``render/quotes.render_bundles``
for the rest). ``note`` only appends one tuple per page to this process's buffer: no
statement, no await, no counting on the request. ``flush`` (every ``FLUSH_SECONDS`` by a task each
serving process runs, and at shutdown) adds the counts to ``analytics_impressions`` (one row
per status and hour) and the signed-in readers to ``analytics_viewers`` (one row per status,
day and reader, ``ON CONFLICT DO NOTHING``: a status's reach) and the days each reader was
served each author's statuses to ``analytics_readers`` (``readers.py``: an account's reach).

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
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from porina.accounts.models import Account
from porina.analytics import readers
from porina.analytics.models import AnalyticsImpressions, AnalyticsProfileVisits, AnalyticsViewer
from porina.core.clock import now
from porina.storage.db import UNCOUNTED, Database

log = logging.getLogger(__name__)

FLUSH_SECONDS = 5.0
MAX_PAGES = 200_000
"""Pages a buffer holds at most: a process whose flushes keep failing (or that never starts
its flusher) stops counting rather than growing without end."""
IMPRESSIONS = AnalyticsImpressions.__table__
VIEWERS = AnalyticsViewer.__table__
VISITS = AnalyticsProfileVisits.__table__


Served = tuple[datetime, int | None, tuple[tuple[int, int], ...]]
"""(moment, reader or None, the (status, author) pairs of one page)."""


@dataclass(slots=True)
class Buffer:
    """Pages served and not yet written. ``note`` appends one tuple per page (the hot path
    pays for nothing more); ``counted`` adds them up at flush time."""

    pages: list[Served] = field(default_factory=list)
    visits: list[tuple[datetime, int]] = field(default_factory=list)
    enabled: bool = True
    """``PORINA_ANALYTICS_IMPRESSIONS`` (set when the services are built)."""

    def note(self, served: Iterable[tuple[int, int]], viewer_id: int | None) -> None:
        """``served`` are (status id, author id) of local statuses a reader was served."""
        if not self.enabled:
            return
        shown = tuple(served)
        if shown and len(self.pages) < MAX_PAGES:
            self.pages.append((now(), viewer_id, shown))

    def visit(self, account_id: int, viewer_id: int | None) -> None:
        """A reader opened ``account_id``'s profile (the dictionary's ``profile_visits``);
        the account's own visits are not counted, and no visitor is kept."""
        if self.enabled and viewer_id != account_id and len(self.visits) < MAX_PAGES:
            self.visits.append((now(), account_id))

    def take(self) -> list[Served]:
        taken, self.pages = self.pages, []
        return taken

    def take_visits(self) -> Counter[tuple[int, datetime]]:
        taken, self.visits = self.visits, []
        return Counter(
            (account_id, moment.replace(minute=0, second=0, microsecond=0))
            for moment, account_id in taken
        )


def counted(
    pages: list[Served],
) -> tuple[Counter[tuple[int, int, datetime]], dict[tuple[int, date, int], int]]:
    """Impressions per (status, author, hour) and readers per (status, day, reader) ->
    author; the author reading their own status counts for neither. Pages are
    grouped by hour first, so the per-status work is ``Counter.update`` and ``dict.update``
    (C loops): about 12 µs per page of 20 on this machine."""
    by_hour: dict[datetime, list[tuple[int | None, tuple[tuple[int, int], ...]]]] = {}
    for moment, viewer_id, shown in pages:
        hour = moment.replace(minute=0, second=0, microsecond=0)
        by_hour.setdefault(hour, []).append((viewer_id, shown))
    counts: Counter[tuple[int, int, datetime]] = Counter()
    viewers: dict[tuple[int, date, int], int] = {}
    for hour, served in by_hour.items():
        day = hour.date()
        flat: Counter[tuple[int, int]] = Counter()
        for viewer_id, shown in served:
            if viewer_id is None:
                flat.update(shown)
                continue
            others = [(s, a) for s, a in shown if a != viewer_id]  # an author's own: nothing
            flat.update(others)
            viewers.update({(s, day, viewer_id): a for s, a in others})
        for (status_id, author_id), n in flat.items():
            counts[(status_id, author_id, hour)] += n
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


async def flush(db: Database) -> int:
    """Write what the buffer holds; the number of impressions written."""
    await flush_visits(db)
    counts_of, viewers_of = counted(BUFFER.take())
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
    async with db.transaction() as tx:
        dialect = tx.session.get_bind().dialect.name
        for table, rows, build in (
            (IMPRESSIONS, counts, _upsert),
            (VIEWERS, viewers, _if_absent),
            (readers.READERS, days, _or_days),
        ):
            for start in range(0, len(rows), CHUNK):
                # Not a request's cost: left out of the pinned query counts, even when the
                # flush runs while a request is being measured.
                await tx.session.execute(
                    build(dialect, table, rows[start : start + CHUNK]),
                    execution_options={UNCOUNTED: True},
                )
    return sum(counts_of.values())


async def flush_visits(db: Database) -> int:
    """Add the buffer's profile visits of local accounts to ``analytics_profile_visits``;
    the number written (a remote account's visits are dropped: its figures are not ours)."""
    visits = BUFFER.take_visits()
    if not visits:
        return 0
    async with db.transaction() as tx:
        ids = sorted({account_id for account_id, _ in visits})
        local: set[int] = set()
        for start in range(0, len(ids), CHUNK):
            found = await tx.session.execute(
                select(Account.id).where(
                    Account.id.in_(ids[start : start + CHUNK]), Account.domain.is_(None)
                ),
                execution_options={UNCOUNTED: True},
            )
            local.update(found.scalars())
        kept = [(a, h, n) for (a, h), n in sorted(visits.items()) if a in local]
        rows = [{"account_id": a, "hour": h, "visits": n} for a, h, n in kept]
        dialect = tx.session.get_bind().dialect.name
        for start in range(0, len(rows), CHUNK):
            await tx.session.execute(
                _add_visits(dialect, VISITS, rows[start : start + CHUNK]),
                execution_options={UNCOUNTED: True},
            )
    return sum(n for _, _, n in kept)


class Flusher:
    """The task that flushes every ``FLUSH_SECONDS`` in a serving process, and once more at
    stop."""

    def __init__(self, db: Database, every: float = FLUSH_SECONDS) -> None:
        self.db = db
        self.every = every
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Flush every ``every`` seconds from now on; with ``every`` 0, only at stop."""
        if self.every > 0:
            self.task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await _flush_or_log(self.db)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        await _flush_or_log(self.db)


async def _flush_or_log(db: Database) -> None:
    """A database that fails the write loses that batch (impressions are estimates) and says
    so; any other error is a bug and is raised."""
    try:
        await flush(db)
    except DBAPIError:  # the driver failed the write (connection lost, locked, a constraint)
        log.warning("impressions: a batch was not written", exc_info=True)
