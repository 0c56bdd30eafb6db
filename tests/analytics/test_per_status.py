"""Per-status figures, a status over time, best times to post and the exports, against the
same small world as the overview (tests/analytics/test_overview.py)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pyarrow.parquet as pq

from porina.analytics import rollup
from porina.core.clock import back_dated, now
from porina.services import Services

from ..factories import Factory
from .test_overview import BASE, a_week, act, ok


async def test_statuses_with_their_counts_most_engaging_first(
    services: Services, make: Factory
) -> None:
    world = await a_week(services, make)
    today = str(now().date())
    rows = await ok(world["cafe"], f"{BASE}/statuses", **{"from": today, "to": today})
    # Today's public, private and self-reply; the deleted post is gone from the list.
    assert len(rows) == 3
    top = rows[0]
    assert top["id"] == world["public"]["id"]
    assert top["engagements"] == {"favourites": 1, "reblogs": 1, "replies": 1, "quotes": 1}
    assert top["bookmarks"] == 1
    assert top["reach"] == 2  # Emma (home) and Kai (profile)
    assert top["engagement_rate_by_impressions"] == 4 / top["impressions"]
    private = next(r for r in rows if r["id"] == world["private"]["id"])
    assert private["reach"] == 1  # only Emma, a follower, was served it
    by_impressions = await ok(
        world["cafe"], f"{BASE}/statuses", **{"from": today, "to": today, "order": "impressions"}
    )
    counts = [r["impressions"] for r in by_impressions]
    assert counts == sorted(counts, reverse=True)
    paged = await ok(
        world["cafe"], f"{BASE}/statuses", **{"from": today, "limit": "1", "offset": "1"}
    )
    assert [r["id"] for r in paged] == [rows[1]["id"]]
    bad = await world["cafe"].get(f"{BASE}/statuses", params={"order": "loudest"})
    assert bad.status_code == 422


async def test_a_status_over_time(services: Services, make: Factory) -> None:
    world = await a_week(services, make)
    public = world["public"]
    body = await ok(world["cafe"], f"{BASE}/statuses/{public['id']}")
    series = body["series"]
    assert series[0]["period"] == "hour"
    assert all(p["period"] == "hour" for p in series)  # younger than 48 hours
    total: defaultdict[str, int] = defaultdict(int)
    for point in series:
        for kind, n in point["engagements"].items():
            total[kind] += n
    assert dict(total) == {"favourites": 1, "reblogs": 1, "replies": 1, "quotes": 1}
    assert sum(p["impressions"] for p in series) == body["status"]["impressions"]
    someone_elses = await world["emma"].status("mine")
    for other in (someone_elses["id"], "12345", "nope"):
        response = await world["cafe"].get(f"{BASE}/statuses/{other}")
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})


async def test_best_times_from_the_accounts_own_posts(services: Services, make: Factory) -> None:
    shop, fan = await make.person("shop"), await make.person("fan")
    posts = []
    with back_dated(timedelta(days=3)):
        for n in range(10):
            posts.append(await shop.status(f"offer {n}"))
        for post in posts[:3]:
            await act(fan, f"/api/v1/statuses/{post['id']}/favourite")
        await act(fan, f"/api/v1/statuses/{posts[0]['id']}/reblog")
    await act(shop, f"/api/v1/statuses/{posts[1]['id']}/favourite")  # the author's own: not counted
    body = await ok(shop, f"{BASE}/best_times")
    assert (body["source"], body["weeks"], body["min_posts"]) == ("account", 16, 10)
    assert len(body["cells"]) == 7 and all(len(day) == 24 for day in body["cells"])
    engaged = {posts[0]["id"]: 2, posts[1]["id"]: 1, posts[2]["id"]: 1}
    assert body["cells"] == _mean_cells(posts, engaged)
    # Rolled up, the raw events before yesterday pruned: the same cells from the daily
    # table, and today's favourite from the raw events.
    await rollup.roll_up(services.db, keep_days=1)
    await act(fan, f"/api/v1/statuses/{posts[3]['id']}/favourite")
    engaged[posts[3]["id"]] = 1
    assert (await ok(shop, f"{BASE}/best_times"))["cells"] == _mean_cells(posts, engaged)
    newcomer = await make.person("newcomer")
    assert (await ok(newcomer, f"{BASE}/best_times"))["source"] == "instance"


def _mean_cells(posts: list[dict[str, Any]], engaged: dict[str, int]) -> list[list[Any]]:
    """Mean engagements per post by the UTC weekday and hour each was published."""
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for post in posts:
        at = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
        sums[(at.weekday(), at.hour)].append(engaged.get(post["id"], 0))
    return [
        [sum(f) / len(f) if (f := sums.get((d, h))) else None for h in range(24)] for d in range(7)
    ]


async def test_exports_read_back(services: Services, make: Factory) -> None:
    world = await a_week(services, make)
    today = now().date()
    period = {"from": str(today - timedelta(days=1)), "to": str(today)}
    response = await world["cafe"].get(
        f"{BASE}/export", params={**period, "dataset": "daily", "format": "parquet"}
    )
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    table = pq.read_table(io.BytesIO(response.content)).to_pylist()
    assert [row["day"] for row in table] == [period["from"], period["to"]]
    yesterday, now_ = table
    assert (yesterday["posts"], yesterday["favourites"], yesterday["followers_gained"]) == (1, 1, 2)
    assert (now_["favourites"], now_["engagements"], now_["followers_lost"]) == (2, 5, 1)
    response = await world["cafe"].get(
        f"{BASE}/export", params={**period, "dataset": "statuses", "format": "csv"}
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["id"] for r in rows} >= {world["public"]["id"], world["private"]["id"]}
    public = next(r for r in rows if r["id"] == world["public"]["id"])
    assert (public["engagements"], public["bookmarks"]) == ("4", "1")
    bad = await world["cafe"].get(f"{BASE}/export", params={"format": "xlsx"})
    assert bad.status_code == 422
