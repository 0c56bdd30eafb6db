"""An account's overview against hand-computed values of the metric dictionary's formulas: a
small world with known interactions, a period boundary, a deleted post, an unfollow, an
author replying to themselves and a private post seen by followers only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from porina.analytics import impressions
from porina.core.clock import back_dated, now
from porina.services import Services

from ..factories import Factory, Person
from ..operators.support import operate

BASE = "/api/porina/v1/analytics"


async def ok(person: Person, path: str, **params: str) -> Any:
    response = await person.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def act(person: Person, path: str) -> None:
    response = await person.post(path)
    assert response.status_code == 200, response.text


async def a_week(services: Services, make: Factory) -> dict[str, Any]:
    """Cafe's day (today) and the day before; returns the people and statuses."""
    cafe, emma = await make.person("cafe"), await make.person("emma")
    olli, kai = await make.person("olli"), await make.person("kai")
    with back_dated(timedelta(days=1)):  # the day before: the previous period
        await emma.follow(cafe)
        await olli.follow(cafe)
        old = await cafe.status("yesterday's special")
        await act(emma, f"/api/v1/statuses/{old['id']}/favourite")
    public = await cafe.status("today's special")
    private = await cafe.status("for followers", visibility="private")
    gone = await cafe.status("typo")
    await act(emma, f"/api/v1/statuses/{public['id']}/favourite")
    await act(emma, f"/api/v1/statuses/{public['id']}/reblog")
    await act(emma, f"/api/v1/statuses/{public['id']}/bookmark")
    await emma.status("Lovely!", in_reply_to_id=public["id"])
    await olli.status("Look", quoted_status_id=public["id"])
    await cafe.status("Also vegan", in_reply_to_id=public["id"])  # not an engagement
    await act(olli, f"/api/v1/statuses/{gone['id']}/favourite")
    assert (await cafe.delete(f"/api/v1/statuses/{gone['id']}")).status_code == 200
    await act(olli, f"/api/v1/accounts/{cafe.id}/unfollow")
    # Reads: Emma's home shows both of today's posts (she follows); Kai, who does not
    # follow, and an anonymous reader see the public posts only.
    impressions.BUFFER.take()  # only the reads below count
    await ok(emma, "/api/v1/timelines/home", limit="40")
    await ok(kai, f"/api/v1/accounts/{cafe.id}/statuses", exclude_replies="true")
    anonymous = await make.client.get(f"/api/v1/accounts/{cafe.id}/statuses")
    assert anonymous.status_code == 200
    await impressions.flush(services.db)
    return {"cafe": cafe, "emma": emma, "kai": kai, "public": public, "private": private}


async def test_overview_matches_the_dictionarys_formulas(services: Services, make: Factory) -> None:
    world = await a_week(services, make)
    today = now().date()
    body = await ok(world["cafe"], f"{BASE}/overview", **{"from": str(today), "to": str(today)})
    # Posts today: public, private, gone (deleted, still published today), the self-reply.
    assert body["posts"] == 4
    # Favourites: Emma on public, Olli on the deleted post (given before it was deleted).
    assert body["engagements"] == {"favourites": 2, "reblogs": 1, "replies": 1, "quotes": 1}
    assert body["bookmarks"] == 1
    assert body["followers"] == {"start": 2, "end": 1, "gained": 0, "lost": 1}
    shown = {s["id"] for s in await ok(world["emma"], "/api/v1/timelines/home", limit="40")}
    assert world["private"]["id"] in shown
    # Impressions: counted below from what each reader was served.
    assert body["reach"] == 2  # Emma and Kai; the anonymous reader counts as impressions only
    engagements = 2 + 1 + 1 + 1
    assert body["engagement_rate"]["by_reach"] == engagements / 2
    assert body["engagement_rate"]["by_followers"] == engagements / 1
    assert body["engagement_rate"]["by_impressions"] == engagements / body["impressions"]
    previous = body["previous"]
    assert (previous["posts"], previous["engagements"]["favourites"]) == (1, 1)
    assert previous["followers"] == {"start": 0, "end": 2, "gained": 2, "lost": 0}
    assert previous["impressions"] == 0


async def test_impressions_count_what_each_reader_was_served(
    services: Services, make: Factory
) -> None:
    """Emma's home: today's public, private and the self-reply (her own reply and quote are
    not Cafe's); Kai's and the anonymous profile reads: Cafe's public posts without replies
    for Kai (exclude_replies), with for the anonymous reader; never the private one."""
    world = await a_week(services, make)
    today = now().date()
    body = await ok(world["cafe"], f"{BASE}/overview", **{"from": str(today), "to": str(today)})
    home = [s for s in await ok(world["emma"], "/api/v1/timelines/home", limit="40")]
    cafe_id = world["cafe"].id
    emma_saw = sum(1 for s in home if (s.get("reblog") or s)["account"]["id"] == cafe_id)
    kai_saw = len(
        await ok(world["kai"], f"/api/v1/accounts/{cafe_id}/statuses", exclude_replies="true")
    )
    anonymous = await world["kai"].client.get(f"/api/v1/accounts/{cafe_id}/statuses")
    assert world["private"]["id"] not in {s["id"] for s in anonymous.json()}
    assert body["impressions"] == emma_saw + kai_saw + len(anonymous.json())


async def test_metrics_dictionary_in_english_and_finnish(services: Services, make: Factory) -> None:
    cafe = await make.person("cafe")
    english = await ok(cafe, f"{BASE}/metrics")
    names = {m["name"] for m in english}
    assert {"impressions", "reach", "engagements", "engagement_rate_by_reach"} <= names
    rate = next(m for m in english if m["name"] == "engagement_rate_by_impressions")
    assert (rate["label"], rate["denominator"]) == ("Engagement rate by impressions", "impressions")
    headers = {**cafe.headers, "Accept-Language": "fi"}
    response = await make.client.get(f"{BASE}/metrics", headers=headers)
    finnish = {m["name"]: m["label"] for m in response.json()}
    assert finnish["reach"] == "Tavoittavuus"


async def test_team_roles_and_other_brands(services: Services, make: Factory) -> None:
    cafe, other = await make.person("cafe"), await make.person("bakery")
    analyst = await make.person("ana")
    agent = await make.person("aino")
    analyst_headers = await operate(services, cafe, analyst, "analyst")
    agent_headers = await operate(services, cafe, agent, "agent")
    read = await make.client.get(f"{BASE}/overview", headers=analyst_headers)
    assert read.status_code == 200, read.text
    elsewhere = await make.client.get(
        f"{BASE}/overview", headers=analyst_headers, params={"account_id": other.id}
    )
    assert (elsewhere.status_code, elsewhere.json()) == (404, {"error": "Record not found"})
    refused = await make.client.get(f"{BASE}/overview", headers=agent_headers)
    assert refused.status_code == 403
    assert "error" in refused.json()
    bad = await cafe.get(f"{BASE}/overview", params={"from": "2026-02-30"})
    assert bad.status_code == 422
    assert "error" in bad.json()
    backwards = await cafe.get(
        f"{BASE}/overview", params={"from": "2026-03-02", "to": "2026-03-01"}
    )
    assert backwards.status_code == 422


async def test_refusals_speak_finnish(services: Services, make: Factory) -> None:
    cafe, agent = await make.person("cafe"), await make.person("aino")
    headers = {**await operate(services, cafe, agent, "agent"), "Accept-Language": "fi"}
    refused = await make.client.get(f"{BASE}/overview", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("Vain tilin omistajat")
    bad = await make.client.get(
        f"{BASE}/overview",
        headers={**cafe.headers, "Accept-Language": "fi"},
        params={"from": "2026-03-02", "to": "2026-03-01"},
    )
    assert bad.status_code == 422
    assert "from ei saa olla to-päivän jälkeen" in bad.json()["error"]


async def test_the_flush_writes_impressions_without_counting_as_a_requests_statements(
    services: Services, make: Factory
) -> None:
    """The flush runs in the background every few seconds: if it lands while a request is
    measured, the pinned statement counts must not move, and the impressions still land."""
    cafe = await make.person("cafe")
    emma = await make.person("emma")
    post = await cafe.status("today's special")
    impressions.BUFFER.take()
    await ok(emma, f"/api/v1/accounts/{cafe.id}/statuses")
    before = services.db.query_count
    assert await impressions.flush(services.db) == 1
    assert services.db.query_count == before
    body = await ok(cafe, f"{BASE}/statuses/{post['id']}")
    assert body["status"]["impressions"] == 1, body
    assert sum(point["impressions"] for point in body["series"]) == 1, body
