"""The scale job engine (PORINA_JOBS=saq): outbox rows relayed to SAQ on Redis and run by
separate `porina worker` processes; a worker killed mid-job loses nothing and duplicates
nothing."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from porina.jobs import queue
from porina.jobs.models import Job
from porina.notifications.models import Notification
from porina.posts.actions import NewStatus, create_status
from porina.services import Services

from ..factories import Factory
from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix
from . import handlers  # noqa: F401 - registers the test handlers
from .support import scale_env, start, stop

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    require_redis()
    name = unique_prefix()
    yield name
    await delete_prefix(REDIS_URL, name)


async def _eventually(check: object, seconds: float = 60.0) -> None:
    for _ in range(int(seconds * 10)):
        if callable(check) and await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached in time")


async def _job_count(services: Services, kind: str | None = None) -> int:
    """Jobs in the outbox (of ``kind``: a worker also queues its recurring jobs)."""
    query = select(func.count()).select_from(Job)
    if kind is not None:
        query = query.where(Job.kind == kind)
    async with services.db.read() as session:
        return int(await session.scalar(query) or 0)


async def test_a_queued_fanout_is_run_by_a_separate_porina_worker(
    services: Services, make: Factory, prefix: str, tmp_path: Path
) -> None:
    author = await make.person("brand")
    async with services.db.transaction() as tx:
        sid = (await create_status(tx, author.actor, NewStatus(text="hi"))).id
    # The home fan-out alone: no other server is concerned, so federation queues nothing.
    assert await _job_count(services, "timelines.on_status_created") == 1
    assert await _job_count(services) == 1
    env = scale_env(services.settings, prefix, REDIS_URL)
    worker = start(["-m", "porina", "worker"], env, tmp_path / "worker.log")
    try:

        async def delivered() -> bool:
            page = await services.feeds.page(
                author.account.id, max_id=None, since_id=None, min_id=None, limit=5
            )
            return page == [sid] and await _job_count(services) == 0

        await _eventually(delivered)
    finally:
        stop(worker)
    assert worker.returncode == 0, (tmp_path / "worker.log").read_text()


async def test_a_worker_killed_mid_job_loses_nothing_and_notifies_once(
    services: Services, make: Factory, prefix: str, tmp_path: Path
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    marker = tmp_path / "marker.txt"
    payload = {
        "recipient": str(alice.account.id),
        "sender": str(bob.account.id),
        "key": "kill-test",
        "path": str(marker),
    }
    async with services.db.transaction() as tx:
        await queue.enqueue(tx, "test.notify_then_stall", payload)
    env = scale_env(services.settings, prefix, REDIS_URL)
    script = str(Path(__file__).with_name("saq_worker_proc.py"))

    first = start([script], env, tmp_path / "first.log")
    try:
        await _eventually(lambda: _async(marker.exists() and "start" in marker.read_text()))
    finally:
        stop(first, sig=signal.SIGKILL)
    assert "done" not in marker.read_text()
    assert await _job_count(services, "test.notify_then_stall") == 1  # survived the kill

    second = start([script], env, tmp_path / "second.log")
    try:
        await _eventually(lambda: _async("done" in marker.read_text()))
        await _eventually(lambda: _async_count(services, 0))
    finally:
        stop(second)
    assert marker.read_text().count("done") == 1
    async with services.db.read() as session:
        notes = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.account_id == alice.account.id)
        )
    assert notes == 1


async def _async(value: bool) -> bool:
    return value


async def _async_count(services: Services, expected: int) -> bool:
    return await _job_count(services) == expected
