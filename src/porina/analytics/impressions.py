"""Impressions and reach, counted privately and off the hot path (issue 17, point 2).

An impression is a local status served to a reader in a page of statuses (a timeline, a
thread, a profile, search results, an embed; API and web), counted where such a page is
rendered (``render/quotes.render_bundles``). ``note`` only adds to two in-memory structures
of this process: no statement, no await. ``flush`` (every ``FLUSH_SECONDS`` by a task each
serving process runs, and at shutdown) adds the counts to ``analytics_impressions`` (one row
per status and hour) and the signed-in readers to ``analytics_viewers`` (one row per status,
day and reader, ``ON CONFLICT DO NOTHING``), from which reach is counted as distinct readers.

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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from porina.analytics.models import AnalyticsImpressions, AnalyticsViewer
from porina.core.clock import now
from porina.storage.db import Database

FLUSH_SECONDS = 5.0
IMPRESSIONS = AnalyticsImpressions.__table__
VIEWERS = AnalyticsViewer.__table__


@dataclass(slots=True)
class Buffer:
    """Impressions not yet written: (status, author, hour) -> count, and (status, day,
    reader) -> author."""

    counts: Counter[tuple[int, int, datetime]] = field(default_factory=Counter)
    viewers: dict[tuple[int, date, int], int] = field(default_factory=dict)

    def note(self, served: Iterable[tuple[int, int]], viewer_id: int | None) -> None:
        """``served`` are (status id, author id) of local statuses a reader was served."""
        moment = now()
        hour = moment.replace(minute=0, second=0, microsecond=0)
        day = moment.date()
        for status_id, author_id in served:
            self.counts[(status_id, author_id, hour)] += 1
            if viewer_id is not None and viewer_id != author_id:
                self.viewers[(status_id, day, viewer_id)] = author_id

    def take(self) -> Buffer:
        taken = Buffer(self.counts, self.viewers)
        self.counts = Counter()
        self.viewers = {}
        return taken


BUFFER = Buffer()


def note(served: Iterable[tuple[int, int]], viewer_id: int | None) -> None:
    BUFFER.note(served, viewer_id)


def _upsert(dialect: str, table: Any, rows: list[dict[str, Any]]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["status_id", "hour"],
        set_={"impressions": table.c.impressions + statement.excluded.impressions},
    )


def _if_absent(dialect: str, table: Any, rows: list[dict[str, Any]]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).values(rows).on_conflict_do_nothing()


CHUNK = 500


async def flush(db: Database) -> int:
    """Write what the buffer holds; the number of impressions written."""
    taken = BUFFER.take()
    if not taken.counts and not taken.viewers:
        return 0
    counts = [
        {"status_id": s, "account_id": a, "hour": h, "impressions": n}
        for (s, a, h), n in sorted(taken.counts.items())
    ]
    viewers = [
        {"status_id": s, "day": d, "viewer_id": v, "account_id": a}
        for (s, d, v), a in sorted(taken.viewers.items())
    ]
    async with db.transaction() as tx:
        dialect = tx.session.get_bind().dialect.name
        for table, rows, build in ((IMPRESSIONS, counts, _upsert), (VIEWERS, viewers, _if_absent)):
            for start in range(0, len(rows), CHUNK):
                await tx.session.execute(build(dialect, table, rows[start : start + CHUNK]))
                db.query_count -= 1  # not a request's cost: pinned counts stay exact
    return sum(taken.counts.values())


class Flusher:
    """The task that flushes every ``FLUSH_SECONDS`` in a serving process, and once more at
    stop."""

    def __init__(self, db: Database, every: float = FLUSH_SECONDS) -> None:
        self.db = db
        self.every = every
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            with contextlib.suppress(Exception):  # a lost batch is an estimate's loss only
                await flush(self.db)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        with contextlib.suppress(Exception):
            await flush(self.db)
