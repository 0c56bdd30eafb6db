"""Profile visits as the metric dictionary defines them: the first page of a profile, on the
web or through the API, by anyone but the account itself; batched like impressions, in the
overview and the daily export; no statement on the profile's read paths."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable

import httpx

from porina.analytics import impressions
from porina.analytics.impressions import Buffer
from porina.core.clock import now
from porina.services import Services

from ..factories import Factory

BASE = "/api/porina/v1/analytics"


def test_the_buffer_keeps_no_visitor_and_skips_the_owner() -> None:
    buffer = Buffer()
    buffer.visit(1, 2)
    buffer.visit(1, None)
    buffer.visit(1, 1)  # the account itself
    buffer.visit(3, 2)
    counted = buffer.take_visits()
    assert sorted((a, n) for (a, _hour), n in counted.items()) == [(1, 2), (3, 1)]
    assert not buffer.take_visits()


async def _cost(services: Services, request: Callable[[], Awaitable[httpx.Response]]) -> int:
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response = await request()
    assert response.status_code == 200, response.text
    return services.db.query_count - before - drain


async def test_visits_count_first_pages_by_others_on_the_web_and_api(
    services: Services, make: Factory
) -> None:
    cafe, emma = await make.person("cafe"), await make.person("emma")
    first = await cafe.status("first")
    await cafe.status("second")
    impressions.BUFFER.take_visits()  # only the requests below count
    statuses = f"/api/v1/accounts/{cafe.id}/statuses"
    anonymous = make.client
    assert (await emma.get(statuses)).status_code == 200  # 1
    assert (await anonymous.get(statuses)).status_code == 200  # 2: anonymous counts
    assert (await anonymous.get("/@cafe")).status_code == 200  # 3: the web page
    assert (await anonymous.get("/@cafe/media")).status_code == 200  # 4: another tab
    not_visits = [
        await cafe.get(statuses),  # the account itself
        await emma.get(statuses, params={"max_id": first["id"]}),  # a later page
        await emma.get(statuses, params={"pinned": "true"}),  # the pinned strip
        await emma.get(f"/api/v1/accounts/{cafe.id}"),  # a look-up alone
        await emma.get("/api/v1/accounts/lookup", params={"acct": "cafe"}),
        await anonymous.get("/@cafe", params={"max_id": first["id"]}),
    ]
    assert all(r.status_code == 200 for r in not_visits)
    assert await impressions.flush_visits(services.db) == 4
    today = now().date().isoformat()
    overview = await cafe.get(f"{BASE}/overview", params={"from": today, "to": today})
    assert overview.status_code == 200, overview.text
    body = overview.json()
    assert (body["profile_visits"], body["previous"]["profile_visits"]) == (4, 0)
    assert "visitor" not in overview.text and emma.id not in overview.text
    exported = await cafe.get(
        f"{BASE}/export", params={"from": today, "to": today, "dataset": "daily", "format": "csv"}
    )
    assert exported.status_code == 200, exported.text
    (row,) = list(csv.DictReader(io.StringIO(exported.text)))
    assert row["profile_visits"] == "4"
    # the flush adds to the hour's row; the visited account alone reads it
    assert (await emma.get(statuses)).status_code == 200
    assert await impressions.flush_visits(services.db) == 1
    again = await cafe.get(f"{BASE}/overview", params={"from": today, "to": today})
    assert again.json()["profile_visits"] == 5
    mine = await emma.get(f"{BASE}/overview", params={"from": today, "to": today})
    assert mine.json()["profile_visits"] == 0


async def test_counting_a_visit_costs_the_profile_no_statement(
    services: Services, make: Factory
) -> None:
    cafe, emma = await make.person("cafe"), await make.person("emma")
    await cafe.status("hello")
    statuses = f"/api/v1/accounts/{cafe.id}/statuses"
    await emma.get(statuses)  # warm the caches
    await emma.get("/@cafe")
    impressions.BUFFER.take_visits()
    api = await _cost(services, lambda: emma.get(statuses))
    web = await _cost(services, lambda: emma.get("/@cafe"))
    assert len(impressions.BUFFER.take_visits()) == 1  # the API's and the page's: one hour
    assert (api, web) == (API_STATEMENTS, WEB_STATEMENTS)


API_STATEMENTS = 1
"""A warm profile's first page: the prebuilt page statement, as before visits were counted."""
WEB_STATEMENTS = 2
"""The web profile page, warm (its featured tags read only when it has some); counting the
visit is an append to the buffer, no statement."""
