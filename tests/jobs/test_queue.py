"""The jobs interface: durable, retried with backoff, failures visible, idempotent enqueue."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from porina.core.clock import now
from porina.jobs import queue
from porina.jobs.models import Job
from porina.services import Services

from . import handlers


async def _jobs(svc: Services) -> list[Job]:
    async with svc.db.read() as session:
        return list(await session.scalars(select(Job)))


async def _own(svc: Services) -> list[Job]:
    """The test's jobs: the started runner also ticks, and a ticker may queue a job of its
    own at any moment (the daily and weekly ones; later on a loaded machine)."""
    return [job for job in await _jobs(svc) if job.kind.startswith("test.")]


async def test_a_job_committed_with_a_write_runs_and_is_removed(services: Services) -> None:
    handlers.CALLS.clear()
    async with services.db.transaction() as tx:
        await queue.enqueue(tx, "test.record", {"n": 1})
    assert await services.runner.drain() == 1
    assert handlers.CALLS == [{"n": 1}]
    assert await _jobs(services) == []


async def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(services: Services) -> None:
    handlers.CALLS.clear()
    try:
        async with services.db.transaction() as tx:
            await queue.enqueue(tx, "test.record", {"n": 2})
            raise RuntimeError("the write failed")
    except RuntimeError:
        pass
    assert await services.runner.drain() == 0
    assert handlers.CALLS == []


async def test_the_same_idempotency_key_queues_the_work_once(services: Services) -> None:
    for _ in range(3):
        async with services.db.transaction() as tx:
            await queue.enqueue(tx, "test.record", {"n": 3}, key="fanout:42")
    assert len(await _jobs(services)) == 1


async def test_a_failing_job_backs_off_then_is_kept_as_failed(services: Services) -> None:
    handlers.CALLS.clear()
    async with services.db.transaction() as tx:
        await queue.enqueue(tx, "test.flaky", {"n": 4}, max_attempts=3)
    for attempt in range(1, 4):
        assert await services.runner.run_one()
        [job] = await _jobs(services)
        assert job.attempts == attempt
        if attempt < 3:
            assert job.state == "queued"
            assert job.run_at > now() + timedelta(seconds=1)  # backed off, not due yet
            assert not await services.runner.run_one()
            async with services.db.transaction() as tx:  # let time pass
                await tx.session.execute(update(Job).values(run_at=now()))
    [job] = await queue.failed_jobs(services.db)
    assert job.state == "failed"
    assert "the remote end is down" in (job.last_error or "")
    assert len(handlers.CALLS) == 3
    assert await queue.retry_failed(services.db) == 1
    assert (await _jobs(services))[0].state == "queued"


async def test_a_worker_killed_mid_job_loses_nothing(services: Services, tmp_path: Path) -> None:
    """SIGKILL a worker while it runs a job; a new worker finishes the job."""
    marker = tmp_path / "marker.txt"
    async with services.db.transaction() as tx:
        await queue.enqueue(tx, "test.slow_marker", {"path": str(marker)})
    url = services.settings.effective_database_url
    script = Path(__file__).with_name("worker_proc.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}

    first = subprocess.Popen([sys.executable, str(script), url, str(tmp_path)], env=env)
    try:
        _wait_for(lambda: marker.exists() and "start" in marker.read_text())
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert "done" not in marker.read_text()
    kinds = [job.kind for job in await _jobs(services)]  # the worker also queued its recurring jobs
    assert kinds.count("test.slow_marker") == 1  # the job survived the kill

    second = subprocess.Popen([sys.executable, str(script), url, str(tmp_path)], env=env)
    try:
        _wait_for(lambda: "done" in marker.read_text())
        for _ in range(300):
            if not await _jobs(services):
                break
            await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait()
    assert marker.read_text().count("done") == 1
    assert await _jobs(services) == []


def _wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


async def test_a_batch_is_claimed_and_the_finished_deleted_in_one_transaction(
    services: Services,
) -> None:
    async with services.db.transaction() as tx:
        for n in range(5):
            await queue.enqueue(tx, "test.record", {"n": n})
    first = await services.runner.claim_many(3)
    assert [job.payload["n"] for job in first] == [0, 1, 2]  # oldest first
    rows = {job.id: job for job in await _jobs(services)}
    for job in first:
        assert rows[job.id].attempts == job.attempts == 1
        assert rows[job.id].locked_by == services.runner.name
    before = services.db.query_count
    rest = await services.runner.claim_many(10, finished=[first[0].id, first[1].id])
    assert services.db.query_count - before == 2  # the delete, and the lease (UPDATE ... RETURNING)
    assert [job.payload["n"] for job in rest] == [3, 4]  # the leased ones are not claimed again
    left = {job.payload["n"] for job in await _jobs(services)}
    assert left == {2, 3, 4}


async def test_the_started_runner_runs_every_job_once_and_keeps_the_failed(
    services: Services,
) -> None:
    handlers.CALLS.clear()
    async with services.db.transaction() as tx:
        for n in range(30):
            await queue.enqueue(tx, "test.record", {"n": n})
        # Backoffs 2, 4, 8, 16 s: within the wait below (30 s at most) the flaky job cannot
        # use its ten attempts, however loaded the machine.
        await queue.enqueue(tx, "test.flaky", {"n": "flaky"}, max_attempts=10)
    services.runner.start()
    try:
        for _ in range(600):
            if len(handlers.CALLS) >= 31 and [j.kind for j in await _own(services)] == [
                "test.flaky"
            ]:
                break
            await asyncio.sleep(0.05)
    finally:
        await services.runner.stop()
    records = sorted(int(c["n"]) for c in handlers.CALLS if c["n"] != "flaky")
    assert records == list(range(30))  # each once
    [job] = await _own(services)  # the failed one waits for its retry; the rest are gone
    # Under load the records can take longer than the first backoff (2 s), so the flaky job
    # may have had its second attempt already: every attempt ran once, and it waits again.
    tries = sum(1 for c in handlers.CALLS if c["n"] == "flaky")
    assert (job.kind, job.state) == ("test.flaky", "queued")
    assert 1 <= tries == job.attempts < 10
