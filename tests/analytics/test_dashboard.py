"""What the dashboards add to the API (``analytics/dashboard.py``): the period day by day,
equal to ``figures.totals`` of each day alone before and after the days are rolled up, in a
fixed number of statements whatever the period's length; and the top hashtags against
hand-computed sums."""

from __future__ import annotations

from datetime import timedelta

from porina.analytics import dashboard, figures, rollup
from porina.analytics.reports import Span
from porina.core.clock import back_dated, now
from porina.services import Services

from ..factories import Factory
from .test_overview import BASE, a_week, act, ok

Row = tuple[object, dict[str, int], int]


async def _each_day_alone(services: Services, account_id: int, when: Span) -> list[Row]:
    out: list[Row] = []
    async with services.db.read() as session:
        for n in range(when.days):
            day = when.first + timedelta(days=n)
            found = await figures.totals(session, account_id, day, day)
            counts = {k: found.counts[k] for k in figures.COUNTS}
            out.append((day, counts, found.reach))
    return out


async def _daily(services: Services, account_id: int, when: Span) -> list[Row]:
    async with services.db.read() as session:
        days = await dashboard.daily(session, account_id, when)
    return [(d.day, {k: d.counts[k] for k in figures.COUNTS}, d.reach) for d in days]


async def test_day_by_day_is_each_day_alone_before_and_after_rolling_up(
    services: Services, make: Factory
) -> None:
    world = await a_week(services, make)
    cafe_id = world["cafe"].account.id
    today = now().date()
    when = Span(today - timedelta(days=3), today)
    expected = await _each_day_alone(services, cafe_id, when)
    assert await _daily(services, cafe_id, when) == expected
    assert expected[-1][1]["impressions"] > 0
    assert sum(counts["posts"] for _day, counts, _reach in expected) == 5
    await rollup.roll_up(services.db, keep_days=30)
    assert await _daily(services, cafe_id, when) == expected
    for days in (7, 90):
        before = services.db.query_count
        await _daily(services, cafe_id, Span(today - timedelta(days=days - 1), today))
        assert services.db.query_count - before == 5, days


async def test_top_hashtags(services: Services, make: Factory) -> None:
    cafe, emma = await make.person("cafe"), await make.person("emma")
    olli = await make.person("olli")
    with back_dated(timedelta(days=10)):
        await cafe.status("Old #lunch")  # before the period
    soup = await cafe.status("Soup #lunch #soup")
    salad = await cafe.status("Salad #lunch")
    await cafe.status("Secret #lunch", visibility="direct")  # never counted
    await act(emma, f"/api/v1/statuses/{soup['id']}/favourite")
    await act(olli, f"/api/v1/statuses/{soup['id']}/reblog")
    await emma.status("Yum", in_reply_to_id=salad["id"])
    await act(cafe, f"/api/v1/statuses/{salad['id']}/favourite")  # the author's own
    await act(emma, f"/api/v1/statuses/{salad['id']}/bookmark")  # reported apart
    today = str(now().date())
    tags = await ok(cafe, f"{BASE}/hashtags", **{"from": today, "to": today})
    assert tags == [
        {"name": "lunch", "posts": 2, "impressions": 0, "engagements": 3},
        {"name": "soup", "posts": 1, "impressions": 0, "engagements": 2},
    ]
    one = await ok(cafe, f"{BASE}/hashtags", **{"from": today, "limit": "1"})
    assert [t["name"] for t in one] == ["lunch"]
    bad = await cafe.get(f"{BASE}/hashtags", params={"from": "yesterday"})
    assert bad.status_code == 422 and "error" in bad.json()
    other = await cafe.get(f"{BASE}/hashtags", params={"account_id": emma.id})
    assert (other.status_code, other.json()) == (404, {"error": "Record not found"})
