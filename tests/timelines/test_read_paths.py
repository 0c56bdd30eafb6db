"""The public timelines read like the home timeline: one prebuilt statement for the page
(candidates, visibility, versions, the viewer's marks) and renderings from the status cache,
so a warm page is one query, signed in or not, with the same answers as before."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory
from .support import ids

PUBLIC = "/api/v1/timelines/public"


async def _cost(services: Services, get: Any, **params: Any) -> int:
    """Statements the request ran (the test client drains jobs after every response: one
    statement when there are none, left out)."""
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response: httpx.Response = await get(PUBLIC, params=params)
    assert response.status_code == 200, response.text
    assert len(response.json()) == params.get("limit", 20)
    return services.db.query_count - before - drain


async def test_a_warm_public_page_is_one_query_signed_in_or_not(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    for n in range(25):
        await alice.status(f"post {n}")
    await bob.get(PUBLIC, params={"limit": 1})  # warms the token cache
    services.status_cache.clear()
    assert await _cost(services, bob.get, limit=20) == 2  # the page, then the renderings
    assert await _cost(services, bob.get, limit=20) == 1
    assert await _cost(services, bob.get, limit=20, local="true") == 1
    assert await _cost(services, client.get, limit=20) == 1
    assert await _cost(services, client.get, limit=20, local="true") == 1


async def test_public_page_hides_what_the_viewer_may_not_see_and_marks_their_own(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    poll = {"options": ["yes", "no"], "expires_in": 3600}
    shown = (await alice.status("for everyone", poll=poll))["id"]
    await alice.status("followers only", visibility="private")
    await alice.status("quiet", visibility="unlisted")
    await alice.status(f"@{bob.username} secret", visibility="direct")
    blocked = (await carol.status("from carol"))["id"]
    assert (await bob.post(f"/api/v1/accounts/{carol.id}/block")).status_code == 200
    assert (await bob.post(f"/api/v1/statuses/{shown}/favourite")).status_code == 200
    page = await bob.get(PUBLIC)
    assert ids(page) == [shown]
    assert page.json()[0]["favourited"] is True
    anonymous = await client.get(PUBLIC)
    assert ids(anonymous) == [blocked, shown]
    for item in page.json():
        single = await bob.get(f"/api/v1/statuses/{item['id']}")
        assert item == single.json()
    for item in anonymous.json():  # no viewer's fields (favourited, ...), as Mastodon
        assert "favourited" not in item
        assert item == (await client.get(f"/api/v1/statuses/{item['id']}")).json()


async def test_public_pages_follow_the_links_both_ways(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    posted = [(await alice.status(f"post {n}"))["id"] for n in range(7)]
    first = await bob.get(PUBLIC, params={"limit": 3})
    assert ids(first) == list(reversed(posted))[:3]
    assert 'rel="next"' in first.headers["link"]
    older = await bob.get(PUBLIC, params={"limit": 3, "max_id": posted[4]})
    assert ids(older) == list(reversed(posted[1:4]))
    newer = await bob.get(PUBLIC, params={"limit": 3, "min_id": posted[1]})
    assert ids(newer) == list(reversed(posted[2:5]))
    since = await bob.get(PUBLIC, params={"limit": 3, "since_id": posted[1]})
    assert ids(since) == list(reversed(posted))[:3]
