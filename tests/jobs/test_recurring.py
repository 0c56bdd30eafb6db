"""Recurring jobs run once per period however many processes tick, a restart in the same
period runs nothing again, the next period runs; on the embedded runner (SQLite and
PostgreSQL) and on SAQ workers (Redis). Time is given to each tick, never slept through."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from porina.accounts.models import Account
from porina.cli import admin
from porina.core.clock import now
from porina.jobs import recurring
from porina.jobs.models import Job
from porina.jobs.recurring import Period
from porina.services import Services, build
from porina.settings import Settings
from porina.timelines import recurring as timelines_recurring

from ..factories import Factory
from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix

NAME = "test.hourly"
NOON = datetime(2030, 1, 1, 12, 20, tzinfo=UTC)  # in the period 12:00-13:00


@pytest.fixture
async def runs() -> AsyncIterator[list[datetime]]:
    """An hourly recurring job that records the start of each period it ran for."""
    started: list[datetime] = []

    @recurring.recurring(NAME, every=timedelta(hours=1))
    async def hourly(ctx: Any, period: Period) -> None:
        started.append(period.start)

    yield started
    recurring.forget(NAME)


def hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


@pytest.fixture
async def other(services: Services) -> AsyncIterator[Services]:
    """A second process's services on the same database (its own engine and runner)."""
    second = build(services.settings, pooled=services.db.pooled)
    yield second
    await second.stop()


async def _keys(services: Services) -> list[str | None]:
    async with services.db.read() as session:
        return list(await session.scalars(select(Job.idempotency_key).where(Job.kind == NAME)))


async def test_two_runners_ticking_the_same_period_run_the_job_once(
    services: Services, other: Services, runs: list[datetime]
) -> None:
    await asyncio.gather(services.runner.tick(NOON), other.runner.tick(NOON))
    assert await _keys(services) == [f"recurring:{NAME}:{hour(NOON).isoformat()}"]
    await asyncio.gather(services.runner.drain(), other.runner.drain())
    assert runs == [hour(NOON)]
    await asyncio.gather(services.runner.tick(NOON), other.runner.tick(NOON))
    await asyncio.gather(services.runner.drain(), other.runner.drain())
    assert runs == [hour(NOON)]


async def test_a_restart_in_the_same_period_runs_nothing_and_the_next_period_runs(
    services: Services, other: Services, runs: list[datetime]
) -> None:
    await services.runner.tick(NOON)
    await services.runner.drain()
    restarted = other.runner  # a new process, later in the same hour
    await restarted.tick(NOON + timedelta(minutes=30))
    await restarted.drain()  # other schedules (the desk's minutely SLA watch) may run
    assert runs == [hour(NOON)]
    await restarted.tick(NOON + timedelta(hours=1))
    await restarted.drain()
    assert runs == [hour(NOON), hour(NOON) + timedelta(hours=1)]


async def test_after_missed_periods_only_the_current_one_runs(
    services: Services, runs: list[datetime]
) -> None:
    await services.runner.tick(NOON)
    await services.runner.drain()
    later = NOON + timedelta(hours=5)
    await services.runner.tick(later)
    await services.runner.drain()
    assert runs == [hour(NOON), hour(later)]


async def test_a_tick_asks_to_be_called_again_at_the_next_period_or_within_a_minute(
    services: Services, runs: list[datetime]
) -> None:
    due = await services.runner.tick(hour(NOON) + timedelta(minutes=59, seconds=30))
    assert due == hour(NOON) + timedelta(hours=1)
    assert await services.runner.tick(NOON) == NOON + timedelta(minutes=1)


async def test_a_failing_run_is_retried_and_counts_as_its_period(
    services: Services, runs: list[datetime]
) -> None:
    calls: list[datetime] = []

    @recurring.recurring("test.flaky_hourly", every=timedelta(hours=1))
    async def flaky(ctx: Any, period: Period) -> None:
        calls.append(period.start)
        if len(calls) == 1:
            raise RuntimeError("the remote end is down")

    try:
        await services.runner.tick(NOON)
        await services.runner.drain()
        async with services.db.transaction() as tx:  # let the back-off pass
            await tx.session.execute(update(Job).values(run_at=now()))
        await services.runner.tick(NOON)
        await services.runner.drain()
        listed = {r.name: r for r in await recurring.overview(services.db, NOON)}
    finally:
        recurring.forget("test.flaky_hourly")
    assert calls == [hour(NOON), hour(NOON)]
    row = listed["test.flaky_hourly"]
    assert row.finished_at is not None and row.next_run == hour(NOON) + timedelta(hours=1)


async def test_idle_home_feeds_are_dropped_daily_without_cron(
    services: Services, make: Factory
) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    assert (await carol.post(f"/api/v1/accounts/{alice.id}/follow")).status_code == 200
    posted = int((await alice.status("first"))["id"])
    page = {"max_id": None, "since_id": None, "min_id": None, "limit": 5}
    assert await services.feeds.page(carol.account.id, **page) == [posted]
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == carol.account.id)
            .values(last_active_at=now() - timedelta(days=30))
        )
    await services.runner.tick(now())
    await services.runner.drain()
    assert await services.feeds.page(carol.account.id, **page) == []
    [daily] = [r for r in await recurring.overview(services.db) if r.name == DROP]
    assert daily.finished_at is not None and daily.every == timedelta(days=1)


DROP = "timelines.drop_idle_feeds"


def test_porina_admin_recurring_lists_last_and_next_run(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert timelines_recurring.drop_idle_feeds is not None  # registered by the import
    assert admin.recurring(settings, argparse.Namespace()) == 0
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith(DROP)]
    assert "every 1 day, 0:00:00 from 4:00:00" in line
    assert "last run " in line and "next run 20" in line and "T04:00:00.000Z" in line


# --- SAQ (Redis) --------------------------------------------------------------------------


@pytest.fixture
async def saq_pair(services: Services) -> AsyncIterator[tuple[Services, Services]]:
    """Two `porina worker`-like processes on SAQ, sharing the test's database and a Redis
    prefix of their own."""
    require_redis()
    prefix = unique_prefix()
    settings = services.settings.with_(jobs="saq", redis_url=REDIS_URL, redis_prefix=prefix)
    pair = (build(settings, pooled=False), build(settings, pooled=False))
    try:
        yield pair
    finally:
        for svc in pair:
            await svc.stop()
        await delete_prefix(REDIS_URL, prefix)


async def _eventually(check: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(600):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


@pytest.mark.redis
async def test_on_saq_two_workers_run_each_period_once(
    saq_pair: tuple[Services, Services], runs: list[datetime]
) -> None:
    first = saq_pair[0]
    engines = [svc.engine for svc in saq_pair]
    assert engines[0] is not None and engines[1] is not None
    for engine in engines:
        await engine.start(2)  # each also ticks on the real clock, in the background

    async def settled() -> bool:
        return not await _keys(first)

    def in_2030() -> list[datetime]:
        return [start for start in runs if start.year == 2030]

    # An earlier period first, ticked by both at once: it runs once. (Whether the background
    # tick on the real clock ran before it or finds a later period already taken is a race,
    # so the test does not count on it.)
    await asyncio.gather(*(e.tick(NOON - timedelta(days=400)) for e in engines))
    await _eventually(lambda: _holds(hour(NOON - timedelta(days=400)) in runs))
    await _eventually(settled)
    await asyncio.gather(*(e.tick(NOON) for e in engines))
    await _eventually(settled)
    await asyncio.gather(*(e.tick(NOON + timedelta(minutes=10)) for e in engines))
    await _eventually(settled)
    assert in_2030() == [hour(NOON)]
    await asyncio.gather(*(e.tick(NOON + timedelta(hours=1)) for e in engines))
    await _eventually(lambda: _holds(len(in_2030()) == 2))
    await _eventually(settled)
    assert in_2030() == [hour(NOON), hour(NOON) + timedelta(hours=1)]
    today = [start for start in runs if start.year != 2030]
    assert len(today) == len(set(today)) >= 1


async def _holds(value: bool) -> bool:
    return value
