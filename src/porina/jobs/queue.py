"""One jobs interface: enqueue inside a transaction, run with retries and backoff.

A job is a row in ``jobs`` written in the same transaction as the write that needs it (the
outbox pattern), so a crash after commit never loses it. The embedded runner claims due rows
with a lease (``locked_until``); a process killed mid-job leaves a lease that expires, and the
job runs again. Handlers are therefore idempotent, and may use ``idempotency_key`` to avoid
queueing the same work twice.

Domains register handlers with ``@handler("kind")``; this module never imports a domain.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import msgspec
from sqlalchemy import Integer, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Dialect

from porina.core.clock import now
from porina.core.ids import new_id
from porina.jobs.models import Job
from porina.storage import inline_sqlite
from porina.storage.db import SLOTS, Database, Tx, in_slots, slot_values, slots_for
from porina.storage.fastread import Prebuilt

if TYPE_CHECKING:
    from porina.settings import Settings
    from porina.storage.broker import Broker

log = logging.getLogger(__name__)


class JobContext(Protocol):
    """What a job handler is given: the running system's parts that every layer may use.
    A package whose handlers need more (the feed store, say) declares a Protocol extending
    this one; the composition root's ``Services`` satisfies them all."""

    @property
    def db(self) -> Database: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def broker(self) -> Broker: ...


Handler = Callable[[Any, dict[str, Any]], Awaitable[None]]
"""``async def handler(ctx, payload)``; ``ctx`` is typed by each handler as the Protocol of
what it needs (``JobContext`` or an extension of it)."""
_HANDLERS: dict[str, Handler] = {}
LEASE = timedelta(minutes=5)
CONCURRENCY = 8
"""Jobs the embedded runner keeps running at once (most wait on the database)."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of jobs of ``kind``."""

    def register(fn: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not fn:
            raise RuntimeError(f"two handlers for job kind {kind!r}")
        _HANDLERS[kind] = fn
        return fn

    return register


def forget_handler(kind: str) -> None:
    """Unregister ``kind`` (tests that add a handler for one test)."""
    _HANDLERS.pop(kind, None)


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


Ticker = Callable[[Database, datetime], Awaitable[datetime]]
"""Periodic work of every process that runs jobs (``jobs/recurring.py`` registers its
scheduler): called with the database and the time, returns when it wants the next call."""
_TICKERS: list[Ticker] = []
TICK_AT_MOST = timedelta(minutes=1)
"""The longest a process waits between ticks, whatever the tickers asked for."""
TICK_AT_LEAST = timedelta(seconds=0.5)


def on_tick(fn: Ticker) -> Ticker:
    """Have ``fn`` called by every process that runs jobs (the embedded runner, each SAQ
    worker), at start and then when it asks."""
    if fn not in _TICKERS:
        _TICKERS.append(fn)
    return fn


async def tick(db: Database, at: datetime | None = None) -> datetime:
    """Call every ticker once; returns when the next tick is due."""
    moment = at or now()
    due = moment + TICK_AT_MOST
    for fn in _TICKERS:
        due = min(due, await fn(db, moment))
    return due


async def keep_ticking(db: Database) -> None:
    """Tick now, then whenever the tickers ask (at least once a minute), until cancelled."""
    while True:
        try:
            due = await tick(db)
        except Exception:
            log.exception("periodic work failed; trying again shortly")
            due = now() + TICK_AT_MOST
        wait = max(due - now(), TICK_AT_LEAST)
        await asyncio.sleep(wait.total_seconds())


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: 2 s, 4 s, 8 s, ... capped at one hour."""
    return timedelta(seconds=min(2**attempts, 3600))


Backoff = Callable[[int], timedelta]
_BACKOFFS: dict[str, Backoff] = {}


def retry_schedule(kind: str, schedule: Backoff) -> None:
    """Back failed jobs of ``kind`` off by ``schedule(attempts)`` instead of ``backoff``
    (federation's deliveries retry for days)."""
    _BACKOFFS[kind] = schedule


class Postpone(Exception):
    """Raised by a handler that cannot run now (a limit is reached): the job is queued again
    ``seconds`` later and the attempt is not counted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"postponed {seconds:.1f} s")
        self.seconds = seconds


async def enqueue(
    tx: Tx,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int = 8,
) -> None:
    """Queue a job as part of ``tx``. With ``key``, a job already queued under it is kept."""
    if kind not in _HANDLERS:
        raise RuntimeError(f"no handler registered for job kind {kind!r}")
    moment = now()
    row = {
        "id": new_id(),
        "kind": kind,
        "payload": payload,
        "state": "queued",
        "run_at": run_at or moment,
        "attempts": 0,
        "max_attempts": max_attempts,
        "locked_until": None,
        "locked_by": None,
        "idempotency_key": key,
        "last_error": None,
        "created_at": moment,
    }
    # one prebuilt INSERT, at once (the transaction may count its jobs), no ORM flush; with
    # a key, ON CONFLICT DO NOTHING where a look-up and the ORM's insert were two statements
    if key is None:
        await tx.insert(Job, row)
    elif not await tx.insert_if_absent(Job, row, unique=("idempotency_key",)):
        return
    wake = tx.db.wake_jobs
    if wake is not None and not tx.wakes_jobs:
        tx.wakes_jobs = True
        tx.after_commit(wake)


@dataclass
class Outcome:
    ran: int = 0
    failed: int = 0


class Runner:
    """Claims and runs due jobs from the ``jobs`` table, in this process.

    Started, one dispatcher keeps up to ``concurrency`` jobs running. Each time a slot is
    free it claims as many due jobs as there are free slots, and deletes the rows of the
    jobs that finished since, in one transaction: a job costs the database a share of one
    transaction instead of a claim and a delete of its own (on SQLite, whose one writer is
    shared with every request, each transaction waits its turn). A finished job's row goes
    at the next claim, which comes as soon as it frees its slot; a process killed before
    that runs it again, as one killed between a handler and its delete always did.
    """

    def __init__(
        self, services: JobContext, *, concurrency: int = CONCURRENCY, lease: timedelta = LEASE
    ) -> None:
        self.services = services
        self.lease = lease
        self.db: Database = services.db
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.concurrency = concurrency
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._running: set[asyncio.Task[None]] = set()
        self._finished: list[int] = []

    async def wake(self) -> None:
        self._wake.set()

    async def tick(self, at: datetime | None = None) -> datetime:
        """Periodic work (recurring jobs) for the moment ``at``; ``start`` does it on a timer."""
        return await tick(self.db, at)

    async def claim(self) -> Job | None:
        jobs = await self.claim_many(1)
        return jobs[0] if jobs else None

    async def claim_many(self, limit: int, *, finished: Sequence[int] = ()) -> list[Job]:
        """Lease up to ``limit`` due jobs, oldest first, counting the attempt; first delete
        the rows of ``finished`` jobs (their handlers succeeded). One transaction, two
        prebuilt statements at most (the delete, and an ``UPDATE ... RETURNING`` that leases
        the due rows), run by ``Tx.run``: no statement building or ORM per claim."""
        moment = now()
        async with self.db.transaction() as tx:
            await delete_finished(tx, finished)
            if limit <= 0:
                return []
            return await lease(tx, limit, moment=moment, until=moment + self.lease, by=self.name)

    async def run_one(self) -> bool:
        """Run one due job; False when none was due."""
        job = await self.claim()
        if job is None:
            return False
        if await self._handle(job):
            async with self.db.transaction() as tx:
                await delete_finished(tx, [job.id])
        return True

    async def _handle(self, job: Job) -> bool:
        """Run ``job``'s handler; True when it succeeded (a failure is recorded)."""
        fn = _HANDLERS.get(job.kind)
        try:
            if fn is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            await fn(self.services, dict(job.payload))
        except Exception as exc:
            await self._failed(job, exc)
            return False
        return True

    async def _failed(self, job: Job, exc: Exception) -> None:
        await record_failure(self.db, job, exc)

    async def drain(self, *, limit: int = 100_000) -> int:
        """Run jobs until none is due (tests and the CLI use this). Returns how many ran."""
        count = 0
        while count < limit and await self.run_one():
            count += 1
        return count

    async def _dispatch(self) -> None:
        while not self._stopping:
            self._wake.clear()  # a wake from here on is seen by the wait below
            free = self.concurrency - len(self._running)
            finished, self._finished = self._finished, []
            try:
                jobs = await self.claim_many(free, finished=finished)
            except Exception:
                log.exception("job runner error")
                self._finished[:0] = finished
                jobs = []
            for job in jobs:
                self._running.add(asyncio.create_task(self._run(job)))
            # every slot busy, or fewer jobs due than free slots: wait for a slot to free,
            # a job to be queued (a wake during the claim counts), or the next look
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)

    async def _run(self, job: Job) -> None:
        try:
            if await self._handle(job):
                self._finished.append(job.id)
        except Exception:
            log.exception("job runner error")
        finally:
            task = asyncio.current_task()
            if task is not None:
                self._running.discard(task)
            self._wake.set()  # a slot is free, and a row to delete

    def start(self) -> None:
        self._stopping = False
        with inline_sqlite.threaded():  # the jobs' SQLite reads beside the loop, not on it
            self._tasks = [asyncio.create_task(self._dispatch())]
            self._tasks.append(asyncio.create_task(keep_ticking(self.db)))

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        for task in [*self._tasks, *self._running]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._running, return_exceptions=True)
        self._tasks = []
        if self._finished:  # jobs that ran to the end are not run again after a restart
            finished, self._finished = self._finished, []
            await self.claim_many(0, finished=finished)


_CLAIMED: tuple[str, ...] = ("id", "kind", "payload", "state", "run_at", "attempts")
_CLAIMED += ("max_attempts", "locked_until", "locked_by", "idempotency_key", "last_error")
_CLAIMED += ("created_at",)
JOBS = Job.metadata.tables[Job.__tablename__]


@functools.cache
def _claim_statement(*, sqlite: bool) -> Prebuilt:
    """Lease the oldest due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, where several
    workers claim at once) and hand them back as they now are."""
    table = JOBS
    moment = bindparam("porina_moment", type_=table.c.run_at.type)
    due = (
        select(table.c.id)
        .where(
            table.c.state == "queued",
            table.c.run_at <= moment,
            or_(table.c.locked_until.is_(None), table.c.locked_until < moment),
        )
        .order_by(table.c.run_at, table.c.id)
        .limit(bindparam("porina_limit", type_=Integer))
    )
    if not sqlite:
        due = due.with_for_update(skip_locked=True)
    lease = {
        "locked_until": bindparam("porina_until", type_=table.c.locked_until.type),
        "locked_by": bindparam("porina_by", type_=table.c.locked_by.type),
        "attempts": table.c.attempts + 1,
    }
    claim = update(table).where(table.c.id.in_(due.scalar_subquery())).values(lease)
    return Prebuilt(claim.returning(*(table.c[name] for name in _CLAIMED)))


async def lease(tx: Tx, limit: int, *, moment: datetime, until: datetime, by: str) -> list[Job]:
    """Lease up to ``limit`` jobs due at ``moment`` to ``by`` until ``until``, counting the
    attempt; oldest first. One prebuilt ``UPDATE ... RETURNING`` (the embedded runner's and
    the SAQ relay's claims)."""
    params = {"porina_moment": moment, "porina_limit": limit}
    params |= {"porina_until": until, "porina_by": by}
    ran = await tx.run(_claim_statement(sqlite=tx.db.is_sqlite), params)
    jobs = [_job_of(row, tx.db.engine.dialect) for row in ran]
    return sorted(jobs, key=lambda job: (job.run_at, job.id))  # RETURNING has no order


async def lease_alone(
    db: Database, limit: int, *, moment: datetime, until: datetime, by: str
) -> list[Job]:
    """``lease`` as a statement of its own (``Database.run_alone``: on PostgreSQL one round
    trip, where a transaction around it was three): the SAQ relay's claim, which does nothing
    else in its transaction."""
    params = {"porina_moment": moment, "porina_limit": limit}
    params |= {"porina_until": until, "porina_by": by}
    rows = await db.run_alone(_claim_statement(sqlite=db.is_sqlite), params)
    if not db.is_sqlite:  # asyncpg's own pool gives JSON as text (the engine's decodes it)
        at = _CLAIMED.index("payload")
        rows = [(*row[:at], _json(row[at]), *row[at + 1 :]) for row in rows]
    jobs = [_job_of(row, db.engine.dialect) for row in rows]
    return sorted(jobs, key=lambda job: (job.run_at, job.id))


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _job_of(row: Sequence[Any], dialect: Dialect) -> Job:
    """A claimed row as a ``Job`` (in no session), each value as the ORM would load it."""
    values: dict[str, Any] = {}
    for name, value in zip(_CLAIMED, row, strict=True):
        process = _result_processor(dialect, name)
        values[name] = process(value) if process is not None and value is not None else value
    return Job(**values)


@functools.cache
def _result_processor(dialect: Dialect, name: str) -> Callable[[Any], Any] | None:
    column = JOBS.c[name]
    found: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).result_processor(
        dialect, None
    )
    return found


@functools.cache
def _delete_statement(size: int) -> Prebuilt:
    return Prebuilt(delete(JOBS).where(JOBS.c.id.in_(in_slots("porina_id", size))))


async def delete_finished(tx: Tx, finished: Sequence[int]) -> None:
    """The rows of jobs whose handlers succeeded, in prebuilt ``DELETE``s of up to 1,024."""
    ids = list(finished)
    for start in range(0, len(ids), SLOTS[-1]):
        chunk = ids[start : start + SLOTS[-1]]
        size = slots_for(len(chunk))
        await tx.run(_delete_statement(size), slot_values("porina_id", chunk, size))


async def delete_finished_alone(db: Database, finished: Sequence[int]) -> None:
    """``delete_finished`` as statements of their own (``Database.run_alone``): a SAQ
    worker's finished job, one round trip on PostgreSQL where a transaction was three."""
    ids = list(finished)
    for start in range(0, len(ids), SLOTS[-1]):
        chunk = ids[start : start + SLOTS[-1]]
        size = slots_for(len(chunk))
        await db.run_alone(_delete_statement(size), slot_values("porina_id", chunk, size))


async def record_failure(db: Database, job: Job, exc: Exception) -> None:
    """Back a failed attempt off exponentially, or keep the job as ``failed`` after its last
    attempt (shared by the embedded runner and the scale engine). A ``Postpone`` puts the job
    back without counting the attempt."""
    if isinstance(exc, Postpone):
        async with db.transaction() as tx:
            later = {"run_at": now() + timedelta(seconds=exc.seconds), "attempts": job.attempts - 1}
            free = {"locked_until": None, "locked_by": None}
            await tx.session.execute(update(Job).where(Job.id == job.id).values(**later, **free))
        return
    log.warning("job %s (%s) failed on attempt %s: %r", job.id, job.kind, job.attempts, exc)
    final = job.attempts >= job.max_attempts
    values: dict[str, Any] = {
        "locked_until": None,
        "locked_by": None,
        "last_error": "".join(traceback.format_exception(exc))[-4000:],
    }
    if final:
        values["state"] = "failed"
    else:
        values["run_at"] = now() + _BACKOFFS.get(job.kind, backoff)(job.attempts)
    async with db.transaction() as tx:
        await tx.session.execute(update(Job).where(Job.id == job.id).values(**values))


async def failed_jobs(db: Database, limit: int = 100) -> list[Job]:
    async with db.read() as session:
        rows = await session.scalars(
            select(Job).where(Job.state == "failed").order_by(Job.id.desc()).limit(limit)
        )
        return list(rows)


async def retry_failed(db: Database, job_id: int | None = None) -> int:
    """Put failed jobs (one, or all) back in the queue. Returns how many."""
    async with db.transaction() as tx:
        condition = (
            and_(Job.state == "failed", Job.id == job_id) if job_id else Job.state == "failed"
        )
        result = await tx.session.execute(
            update(Job).where(condition).values(state="queued", attempts=0, run_at=now())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


async def pending_count(db: Database) -> int:
    async with db.read() as session:
        query = select(func.count()).select_from(Job).where(Job.state == "queued")
        return int(await session.scalar(query) or 0)
