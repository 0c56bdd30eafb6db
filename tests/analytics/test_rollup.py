"""The daily rollup writes what reads computed from the raw tables: an overview is the same
before and after its days are rolled up, and raw rows past the kept time go."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from porina.analytics import rollup
from porina.analytics.models import AnalyticsAccountDaily, AnalyticsEvent, AnalyticsRolledDay
from porina.core.clock import now
from porina.services import Services

from ..factories import Factory
from .test_overview import BASE, a_week, ok


async def test_rolled_up_days_read_the_same(services: Services, make: Factory) -> None:
    world = await a_week(services, make)
    today = now().date()
    period = {"from": str(today - timedelta(days=1)), "to": str(today)}
    before = await ok(world["cafe"], f"{BASE}/overview", **period)
    listed = await ok(world["cafe"], f"{BASE}/statuses", **period)
    rolled = await rollup.roll_up(services.db, keep_days=0)
    assert rolled[-1] == today - timedelta(days=1)
    assert await rollup.roll_up(services.db, keep_days=0) == []  # once per day
    after = await ok(world["cafe"], f"{BASE}/overview", **period)
    assert after == before
    assert await ok(world["cafe"], f"{BASE}/statuses", **period) == listed
    async with services.db.read() as session:
        row = await session.get(
            AnalyticsAccountDaily, (world["cafe"].account.id, today - timedelta(days=1))
        )
        marked = await session.scalar(select(func.max(AnalyticsRolledDay.day)))
    assert row is not None
    assert (row.posts, row.favourites, row.followers_gained) == (1, 1, 2)
    assert marked == today - timedelta(days=1)


async def test_raw_events_older_than_the_kept_days_are_deleted(
    services: Services, make: Factory
) -> None:
    world = await a_week(services, make)
    await rollup.roll_up(services.db, keep_days=1)  # keeps yesterday and today
    async with services.db.read() as session:
        kept = await session.scalar(select(func.count()).select_from(AnalyticsEvent))
    assert kept and kept > 0
    await rollup.roll_up(services.db, keep_days=0)
    today = now().date()
    body = await ok(world["cafe"], f"{BASE}/overview", **{"from": str(today - timedelta(days=1))})
    assert body["previous"]["followers"]["end"] == 0
    assert body["followers"]["gained"] == 2
