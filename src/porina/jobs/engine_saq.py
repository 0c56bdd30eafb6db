"""Jobs at scale (``PORINA_JOBS=saq``): the outbox, relayed to SAQ workers on Redis.

The ``jobs`` table stays the source of truth: ``enqueue`` still writes a row in the caller's
transaction, so an accepted write never loses its job, whatever happens to Redis or to a
worker. What changes is how rows reach a process that runs them:

1. **Relay.** Right after a transaction that queued jobs commits, the process that wrote it
   claims the due rows in one statement (``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
   SKIP LOCKED LIMIT n) RETURNING``), which sets a lease and counts the attempt, and pushes
   them to SAQ. Every ``porina worker`` also relays on a timer, which picks up scheduled
   jobs, retries whose back-off has passed, and jobs whose lease ran out (a worker killed
   mid-job, or Redis lost its data).
2. **Work.** SAQ workers (``porina worker``, on any machine that reaches Redis and the
   database) pop jobs and run the same registered handlers as the embedded runner. Success
   deletes the row; a failure backs it off or marks it ``failed`` exactly as the embedded
   runner does (``queue.record_failure``), so ``porina admin failed-jobs``/``retry-jobs`` work
   unchanged. SAQ's own retries are off (one attempt per SAQ job): retries belong to the
   outbox, whose lease outlives any process.

A job can therefore run more than once (a lease that expires while its worker is alive but
slow, or a kill after the handler's writes committed); handlers are idempotent, as they are
for the embedded runner. See docs/decisions.md, "Jobs at scale".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from saq import Worker
from saq.queue.redis import RedisQueue
from saq.types import Context, PartialTimersDict

from porina.core.clock import now
from porina.jobs.models import Job
from porina.jobs.queue import (
    LEASE,
    JobContext,
    delete_finished_alone,
    handler_for,
    keep_ticking,
    lease_alone,
    record_failure,
    tick,
)

log = logging.getLogger(__name__)

FUNCTION = "porina.run"
BATCH = 500
POLL_SECONDS = 0.5


class _QuietWorker(Worker[Context]):
    """A SAQ worker that leaves signal handling to ``porina worker``."""

    SIGNALS: list[Any] = []


class SaqEngine:
    """Relays due outbox rows to SAQ, and (in ``porina worker``) runs them."""

    def __init__(self, services: JobContext, name: str, *, lease: timedelta = LEASE) -> None:
        self.services = services
        self.lease = lease
        settings = services.settings
        self.queue = RedisQueue.from_url(settings.redis_url, name=f"{settings.redis_prefix}jobs")
        self.name = name
        self._relaying: asyncio.Task[int] | None = None
        self._again = False
        self._tasks: list[asyncio.Task[Any]] = []
        self._worker: _QuietWorker | None = None
        self._connected = False
        self.relayed = 0

    async def _connect(self) -> None:
        if not self._connected:
            await self.queue.connect()
            self._connected = True

    async def claim(self, limit: int = BATCH) -> list[dict[str, Any]]:
        """Lease up to ``limit`` due rows and count the attempt; returns what to send (the
        names avoid SAQ's own job fields, such as ``attempts``)."""
        moment = now()
        until = moment + self.lease
        jobs = await lease_alone(self.services.db, limit, moment=moment, until=until, by=self.name)
        return [
            {
                "outbox_id": job.id,
                "kind": job.kind,
                "payload": job.payload,
                "attempt": job.attempts,
                "max_attempts": job.max_attempts,
            }
            for job in jobs
        ]

    async def relay(self) -> int:
        """Send every due row to SAQ; returns how many were sent."""
        await self._connect()
        sent = 0
        while True:
            jobs = await self.claim()
            if not jobs:
                return sent
            timeout = max(1, int(self.lease.total_seconds()))
            await asyncio.gather(
                *(
                    self.queue.enqueue(
                        FUNCTION,
                        key=f"{job['outbox_id']}-{job['attempt']}",
                        timeout=timeout,
                        retries=1,
                        ttl=-1,
                        **job,
                    )
                    for job in jobs
                )
            )
            sent += len(jobs)
            self.relayed += len(jobs)
            if len(jobs) < BATCH:
                return sent

    async def wake(self) -> None:
        """After a commit that queued jobs: relay soon, without delaying the request."""
        if self._relaying is not None and not self._relaying.done():
            self._again = True
            return
        self._relaying = asyncio.create_task(self._relay_now())

    async def _relay_now(self) -> int:
        sent = 0
        while True:
            self._again = False
            try:
                sent += await self.relay()
            except Exception:
                log.exception("relaying jobs to SAQ failed; the worker timer will retry")
            if not self._again:
                return sent

    async def execute(self, ctx: Context, **job: Any) -> None:
        """SAQ's entry point: run one outbox job with its registered handler."""
        db = self.services.db
        row = Job(
            id=int(job["outbox_id"]),
            kind=str(job["kind"]),
            attempts=int(job["attempt"]),
            max_attempts=int(job["max_attempts"]),
        )
        fn = handler_for(row.kind)
        try:
            if fn is None:
                raise LookupError(f"no handler for job kind {row.kind!r}")
            await fn(self.services, dict(job["payload"]))
        except Exception as exc:
            await record_failure(db, row, exc)
            return
        await delete_finished_alone(db, [row.id])

    async def tick(self, at: datetime | None = None) -> datetime:
        """Periodic work (recurring jobs) for the moment ``at``, then relay what it queued;
        every ``porina worker`` does this on a timer."""
        due = await tick(self.services.db, at)
        await self.relay()
        return due

    async def _poll(self) -> None:
        while True:
            try:
                await self.relay()
            except Exception:
                log.exception("relaying jobs to SAQ failed")
            await asyncio.sleep(POLL_SECONDS)

    async def start(self, concurrency: int) -> None:
        """Run jobs here (``porina worker``): a SAQ worker plus the relay timer."""
        await self._connect()
        self._worker = _QuietWorker(
            self.queue,
            functions=[(FUNCTION, self.execute)],
            concurrency=concurrency,
            timers=PartialTimersDict(schedule=1, worker_info=10, sweep=5, abort=1),
        )
        self._tasks = [
            asyncio.create_task(self._worker.start()),
            asyncio.create_task(self._poll()),
            asyncio.create_task(keep_ticking(self.services.db)),
        ]

    async def stop(self) -> None:
        if self._worker is not None:
            await self._worker.stop()
        for task in [*self._tasks, *([self._relaying] if self._relaying else [])]:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        with contextlib.suppress(Exception):
            await self.queue.disconnect()
