"""Recurring jobs: periodic work (rollups, closing contests, SLA checks, sends, dropping idle
feeds) that runs once per period, however many processes run jobs, and survives restarts.

```python
@recurring("timelines.drop_idle_feeds", every=timedelta(days=1), at=timedelta(hours=4))
async def drop_idle_feeds(ctx: FeedContext, period: Period) -> None: ...
```

Periods are aligned to the Unix epoch plus ``at``: ``every=timedelta(days=1)`` with
``at=timedelta(hours=4)`` makes a period of each day from 04:00 UTC; ``every=timedelta(hours=1)``
one of each hour. The name is also the job kind.

How it stays once per period: every process that runs jobs (the embedded runner, each
``porina worker`` on SAQ) ticks the scheduler at start and at each period boundary (at least
once a minute, ``queue.keep_ticking``). A tick computes the current period of each schedule and
queues its job only by moving ``recurring_jobs.period_start`` forward, a compare-and-set in the
same transaction as the outbox row (``queue.enqueue(..., key="recurring:{name}:{start}")``):
of any number of processes ticking the same period, one moves it and queues; the others find it
moved. The row outlives the job (the outbox deletes a job once it has run, and with it the
idempotency key), so a restart in the same period queues nothing, and a restart after missed
periods queues the current one only. The job itself is an ordinary outbox job: durable,
retried with back-off, ``failed`` after ``max_attempts`` (``porina admin failed-jobs``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from porina.core.clock import aware, now
from porina.jobs import queue
from porina.jobs.models import RecurringRun
from porina.storage.db import Database, insert_if_absent

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

RecurringFn = Callable[[Any, "Period"], Awaitable[None]]
"""``async def fn(ctx, period)``; ``ctx`` is typed by each job as the Protocol it needs."""


@dataclass(frozen=True, slots=True)
class Period:
    """The stretch of time a run is for: ``start`` inclusive, ``end`` exclusive."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    every: timedelta
    at: timedelta
    run: RecurringFn
    max_attempts: int

    def period(self, moment: datetime) -> Period:
        """The period ``moment`` falls in."""
        origin = EPOCH + self.at
        start = origin + ((aware(moment) - origin) // self.every) * self.every
        return Period(start, start + self.every)


@dataclass(frozen=True, slots=True)
class Overview:
    """A recurring job as ``porina admin recurring`` lists it."""

    name: str
    every: timedelta
    at: timedelta
    queued_period: datetime | None
    finished_at: datetime | None
    next_run: datetime


_SCHEDULES: dict[str, Schedule] = {}


def recurring(
    name: str, *, every: timedelta, at: timedelta = timedelta(0), max_attempts: int = 3
) -> Callable[[RecurringFn], RecurringFn]:
    """Run the decorated ``fn(ctx, period)`` once per period of ``every``, starting ``at``
    after the epoch's alignment (see the module's doc)."""
    if every < timedelta(minutes=1):
        raise ValueError(f"recurring job {name!r}: every must be at least a minute")
    if not timedelta(0) <= at < every:
        raise ValueError(f"recurring job {name!r}: at must be within one period")

    def register(fn: RecurringFn) -> RecurringFn:
        if name in _SCHEDULES:
            raise RuntimeError(f"two recurring jobs named {name!r}")
        _SCHEDULES[name] = Schedule(name, every, at, fn, max_attempts)
        queue.handler(name)(_runner(name))
        queue.on_tick(schedule_due)
        return fn

    return register


def schedules() -> list[Schedule]:
    return sorted(_SCHEDULES.values(), key=lambda s: s.name)


def forget(name: str) -> None:
    """Unregister ``name`` (tests that add a recurring job for one test)."""
    _SCHEDULES.pop(name, None)
    queue.forget_handler(name)


def _runner(name: str) -> queue.Handler:
    async def run(ctx: Any, payload: dict[str, Any]) -> None:
        period = Period(
            datetime.fromisoformat(payload["start"]), datetime.fromisoformat(payload["end"])
        )
        await _SCHEDULES[name].run(ctx, period)
        await _finished(ctx.db, name, period)

    return run


async def schedule_due(db: Database, moment: datetime) -> datetime:
    """Queue the current period of every schedule not yet queued for it (a ``queue`` ticker);
    returns the next period boundary."""
    due = moment + queue.TICK_AT_MOST
    for schedule in schedules():
        period = schedule.period(moment)
        await _queue_once(db, schedule, period)
        due = min(due, period.end)
    return due


async def _queue_once(db: Database, schedule: Schedule, period: Period) -> bool:
    """Queue ``period``'s run unless some process already did; True when this call did."""
    async with db.read() as session:
        known = await session.scalar(
            select(RecurringRun.period_start).where(RecurringRun.name == schedule.name)
        )
    if known is not None and aware(known) >= period.start:
        return False
    async with db.transaction() as tx:
        values = {"name": schedule.name, "period_start": period.start, "queued_at": now()}
        won = await insert_if_absent(tx.session, RecurringRun, values, unique=("name",))
        if not won:
            moved = await tx.session.execute(
                update(RecurringRun)
                .where(
                    RecurringRun.name == schedule.name,
                    RecurringRun.period_start < period.start,
                )
                .values(period_start=period.start, queued_at=now())
                .execution_options(synchronize_session=False)
            )
            won = bool(getattr(moved, "rowcount", 0))
        if won:
            await queue.enqueue(
                tx,
                schedule.name,
                {"start": period.start.isoformat(), "end": period.end.isoformat()},
                key=f"recurring:{schedule.name}:{period.start.isoformat()}",
                max_attempts=schedule.max_attempts,
            )
    return won


async def _finished(db: Database, name: str, period: Period) -> None:
    async with db.transaction() as tx:
        await tx.session.execute(
            update(RecurringRun)
            .where(
                RecurringRun.name == name,
                or_(
                    RecurringRun.finished_period.is_(None),
                    RecurringRun.finished_period <= period.start,
                ),
            )
            .values(finished_period=period.start, finished_at=now())
            .execution_options(synchronize_session=False)
        )


async def overview(db: Database, moment: datetime | None = None) -> list[Overview]:
    """Every recurring job with the period last queued, its last success and its next run."""
    at = moment or now()
    async with db.read() as session:
        rows = {r.name: r for r in await session.scalars(select(RecurringRun))}
    out: list[Overview] = []
    for schedule in schedules():
        row = rows.get(schedule.name)
        period = schedule.period(at)
        queued = aware(row.period_start) if row is not None else None
        finished = aware(row.finished_at) if row and row.finished_at else None
        next_run = period.end if queued is not None and queued >= period.start else period.start
        out.append(Overview(schedule.name, schedule.every, schedule.at, queued, finished, next_run))
    return out
