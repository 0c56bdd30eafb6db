"""The daily rollup writes what reads computed from the raw tables: an overview is the same
before and after its days are rolled up, and raw rows past the kept time go."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from porina.analytics import rollup
from porina.analytics.models import AnalyticsAccountDaily, AnalyticsEvent, AnalyticsRolledDay
from porina.core.clock import aware, back_dated, now
from porina.services import Services

from ..factories import Factory
from .test_overview import BASE, a_week, act, ok


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


async def test_a_post_over_time_reads_the_same_after_its_days_are_rolled_up_and_pruned(
    services: Services, make: Factory
) -> None:
    """Hours, the part-day after them and whole days: the same figures from the raw events
    and, once rolled up and the raw events deleted, from the daily rollup."""
    cafe, emma, olli = [await make.person(n) for n in ("cafe", "emma", "olli")]
    with back_dated(timedelta(days=5)):
        post = await cafe.status("Five days ago")
    with back_dated(timedelta(days=4, hours=12)):  # in the first 48 hours
        await act(emma, f"/api/v1/statuses/{post['id']}/favourite")
    with back_dated(timedelta(days=2, hours=1)):  # a whole day, or the part-day
        await emma.status("Lovely", in_reply_to_id=post["id"])
    with back_dated(timedelta(days=1, hours=12)):  # a whole day
        await act(olli, f"/api/v1/statuses/{post['id']}/reblog")
    await act(olli, f"/api/v1/statuses/{post['id']}/favourite")  # today, not rolled up
    path = f"{BASE}/statuses/{post['id']}"
    before = await ok(cafe, path)
    await rollup.roll_up(services.db, keep_days=1)  # rolls up to yesterday, keeps it and today
    async with services.db.read() as session:
        oldest = await session.scalar(select(func.min(AnalyticsEvent.created_at)))
    assert oldest is not None and aware(oldest).date() >= now().date() - timedelta(days=1)
    after = await ok(cafe, path)
    assert after == before
    engaged = [p["engagements"] for p in after["series"]]
    totals = {k: sum(e[k] for e in engaged) for k in ("favourites", "reblogs", "replies")}
    assert totals == {"favourites": 2, "reblogs": 1, "replies": 1}
