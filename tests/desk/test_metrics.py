"""Response metrics and service levels of a brand's desk: what the team's answers measure, in
calendar time and business hours, per staff member; who may read and change them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from porina.core.clock import back_dated
from porina.desk import service_levels
from porina.services import Services

from ..factories import Factory, Person
from .inbox_support import BASE, Staff, brand_with_agent, staff

DESK = "/api/porina/v1/desk"
EVERY_HOUR = {
    day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


async def at(ago: timedelta, action: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``action`` as if ``ago`` earlier."""
    with back_dated(ago):
        return await action()


async def desk_reply(desk: Staff, cid: str, text: str, **extra: Any) -> None:
    response = await desk.post(f"{BASE}/{cid}/reply", json={"text": text, **extra})
    assert response.status_code == 200, response.text


async def a_morning(services: Services, make: Factory) -> tuple[Staff, Staff, Person, str]:
    """Emma asks at -3 h and again at -30 min; Aino answers at -1 h and -10 min, resolving."""
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    emma = await make.person("emma")
    await at(timedelta(hours=3), lambda: emma.status("@cafe is the terrace open?"))
    (listed,) = await desk.conversations()
    cid = listed["id"]
    await at(timedelta(hours=1), lambda: desk_reply(desk, cid, "Yes, from noon!"))
    await at(timedelta(minutes=30), lambda: emma.status("@cafe and dogs?"))
    await at(timedelta(minutes=10), lambda: desk_reply(desk, cid, "Dogs welcome", resolve=True))
    return desk, mari, emma, cid


async def metrics(member: Staff, **params: str) -> dict[str, Any]:
    response = await member.get(f"{DESK}/metrics", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def minutes(value: float | None) -> float:
    assert value is not None
    return round(value / 60)


async def test_first_response_reply_and_resolution_times_per_staff_member(
    services: Services, make: Factory
) -> None:
    desk, mari, _emma, _cid = await a_morning(services, make)
    body = await metrics(mari)
    assert (body["opened"], body["resolved"]) == (1, 1)
    assert body["first_response"]["count"] == 1
    assert minutes(body["first_response"]["median"]) == 120
    assert body["reply"]["count"] == 2
    assert minutes(body["reply"]["median"]) == (120 + 20) / 2
    assert minutes(body["reply"]["p90"]) == 120
    assert minutes(body["resolution"]["median"]) == 170
    # Without business hours every hour counts.
    assert minutes(body["resolution"]["business_median"]) == 170
    (aino,) = body["staff"]
    assert aino["account"]["id"] == str(desk.person.account.id)
    assert aino["reply"]["count"] == 2


async def test_business_hours_leave_out_the_time_the_desk_was_closed(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    today = datetime.now(UTC).date()
    closed = [str(today - timedelta(days=1)), str(today)]
    hours = {"time_zone": "UTC", "weekly": EVERY_HOUR, "holidays": closed}
    response = await mari.client.put(f"{DESK}/business_hours", json=hours, headers=mari.headers)
    assert response.status_code == 200, response.text
    assert response.json()["holidays"] == closed
    emma = await make.person("emma")
    await at(timedelta(hours=2), lambda: emma.status("@cafe open on Sunday?"))
    (listed,) = await desk.conversations()
    await desk_reply(desk, listed["id"], "Yes!")
    figures = (await metrics(mari))["first_response"]
    assert minutes(figures["median"]) == 120
    assert figures["business_median"] == 0


async def test_a_period_without_the_answers_has_no_figures(
    services: Services, make: Factory
) -> None:
    _desk, mari, _emma, _cid = await a_morning(services, make)
    long_ago = {"from": "2020-01-01T00:00:00Z", "to": "2020-02-01T00:00:00Z"}
    body = await metrics(mari, **long_ago)
    assert (body["opened"], body["resolved"], body["staff"]) == (0, 0, [])
    assert body["first_response"] == {
        "count": 0,
        "median": None,
        "p90": None,
        "business_median": None,
        "business_p90": None,
    }


async def test_an_analyst_reads_metrics_but_no_conversation(
    services: Services, make: Factory
) -> None:
    desk, _mari, _emma, cid = await a_morning(services, make)
    anna = await staff(services, make, desk.brand, "cafe_anna", "analyst")
    assert (await metrics(anna))["resolved"] == 1
    refused = await anna.get(f"{BASE}/{cid}")
    assert refused.status_code == 403
    assert "error" in refused.json()


async def test_only_owners_and_managers_change_service_levels(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    sla = {"targets": [{"priority": "none", "first_response_seconds": 3600}]}
    refused = await desk.client.put(f"{DESK}/sla", json=sla, headers=desk.headers)
    assert refused.status_code == 403
    assert refused.json()["error"]


async def test_someone_elses_token_reads_only_its_own_empty_desk(
    services: Services, make: Factory
) -> None:
    await a_morning(services, make)
    stranger = await make.person("stranger")  # acts as their own account, not the café
    response = await stranger.get(f"{DESK}/metrics")
    assert response.status_code == 200
    assert (response.json()["opened"], response.json()["staff"]) == (0, [])


@pytest.mark.parametrize(
    "hours",
    [
        {"time_zone": "Mars/Olympus", "weekly": EVERY_HOUR},
        {"time_zone": "UTC", "weekly": {"mon": [["25:00", "26:00"]]}},
        {"time_zone": "UTC", "weekly": {"mon": [["16:00", "08:00"]]}},
        {"time_zone": "UTC", "weekly": {"funday": [["08:00", "16:00"]]}},
        {"time_zone": "UTC", "weekly": {}},
        {"time_zone": "UTC", "weekly": EVERY_HOUR, "holidays": ["not a date"]},
        {"time_zone": "UTC", "weekly": "always"},
    ],
)
async def test_impossible_business_hours_are_refused_and_change_nothing(
    services: Services, make: Factory, hours: dict[str, Any]
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    response = await mari.client.put(f"{DESK}/business_hours", json=hours, headers=mari.headers)
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed")
    kept = await mari.get(f"{DESK}/business_hours")
    assert kept.json() == {"time_zone": None, "weekly": {}, "holidays": []}


async def test_a_backwards_period_is_refused(services: Services, make: Factory) -> None:
    _desk, mari, _emma, _cid = await a_morning(services, make)
    backwards = {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    response = await mari.get(f"{DESK}/metrics", params=backwards)
    assert response.status_code == 422


async def test_an_unanswered_conversation_breaches_its_first_response_target(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    targets = [
        {"priority": "none", "first_response_seconds": 600, "business_hours": False},
        {"priority": "urgent", "first_response_seconds": 3600, "resolution_seconds": 7200},
    ]
    saved = await mari.client.put(f"{DESK}/sla", json={"targets": targets}, headers=mari.headers)
    assert saved.status_code == 200, saved.text
    assert [t["priority"] for t in saved.json()] == ["urgent", "none"]
    emma, olli = await make.person("emma"), await make.person("olli")
    await at(timedelta(minutes=30), lambda: emma.status("@cafe hello?"))
    await olli.status("@cafe hi")
    listed = {c["contact"]["id"]: c for c in await desk.conversations()}
    async with services.db.read() as session:
        found = await service_levels.slas(
            session, desk.brand.account.id, [(int(c["id"]), None) for c in listed.values()]
        )
    late = found[int(listed[emma.id]["id"])]
    fresh = found[int(listed[olli.id]["id"])]
    assert late.breached and not fresh.breached
    assert late.due_at is not None and fresh.due_at is not None
    assert timedelta(minutes=9) < fresh.due_at - datetime.now(UTC) <= timedelta(minutes=10)
