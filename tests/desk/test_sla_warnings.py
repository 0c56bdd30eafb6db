"""SLA warnings (issue 16, point 5): a conversation in the inbox shows ``sla.warning`` once
the target's ``warning_percent`` (75 by default, set per target with the SLA) has elapsed,
and ``breached`` — not ``warning`` — once it is due; in business hours when the target
counts them. Bad settings are a 422 in Mastodon's error shape."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from porina.core.clock import back_dated
from porina.core.events import Event
from porina.desk import sla_watch
from porina.desk.business_hours import WEEKDAYS
from porina.desk.team_events import DeskSlaBreached, DeskSlaWarned
from porina.jobs.events import subscribe, unsubscribe
from porina.services import Services
from porina.storage.db import Tx

from ..factories import Factory
from .inbox_support import BASE, Staff, brand_with_agent, staff

SLA = "/api/porina/v1/desk/sla"


async def at(ago: timedelta, action: Callable[[], Awaitable[Any]]) -> Any:
    with back_dated(ago):
        return await action()


async def targets(manager: Staff, *entries: dict[str, Any]) -> Any:
    return await manager.client.put(SLA, json={"targets": list(entries)}, headers=manager.headers)


async def slas(desk: Staff) -> dict[str, dict[str, Any]]:
    return {c["contact"]["username"]: c["sla"] for c in await desk.conversations()}


async def test_a_warning_shows_before_the_breach_and_the_breach_after(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    hour = {"priority": "none", "first_response_seconds": 3600, "business_hours": False}
    saved = await targets(mari, hour | {"warning_percent": 50})
    assert saved.status_code == 200, saved.text
    assert saved.json()[0]["warning_percent"] == 50
    fresh, halfway, late = [await make.person(n) for n in ("fresh", "halfway", "late")]
    await fresh.status("@cafe hi")
    await at(timedelta(minutes=40), lambda: halfway.status("@cafe hello?"))
    await at(timedelta(minutes=70), lambda: late.status("@cafe anyone?"))
    shown = await slas(desk)
    assert (shown["fresh"]["warning"], shown["fresh"]["breached"]) == (False, False)
    assert (shown["halfway"]["warning"], shown["halfway"]["breached"]) == (True, False)
    assert (shown["late"]["warning"], shown["late"]["breached"]) == (False, True)

    default = await targets(mari, hour)  # 75% by default: 40 of 60 minutes is not yet
    assert default.json()[0]["warning_percent"] == 75
    assert (await slas(desk))["halfway"]["warning"] is False


async def test_the_warning_counts_business_hours(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    # open one minute a week, on a day three days ahead: the last 30 hours had no open time
    day = WEEKDAYS[(datetime.now(UTC).weekday() + 3) % 7]
    hours = {"time_zone": "UTC", "weekly": {day: [["00:00", "00:01"]]}, "holidays": []}
    none_open = await mari.client.put(
        "/api/porina/v1/desk/business_hours", json=hours, headers=mari.headers
    )
    assert none_open.status_code == 200, none_open.text
    await targets(mari, {"priority": "none", "first_response_seconds": 3600, "warning_percent": 10})
    emma = await make.person("emma")
    await at(timedelta(hours=30), lambda: emma.status("@cafe hello?"))
    shown = (await slas(desk))["emma"]
    assert (shown["warning"], shown["breached"]) == (False, False)  # the desk was closed


async def test_a_bad_warning_percent_is_refused(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    for bad in (0, 100, "half", True):
        refused = await targets(
            mari, {"priority": "none", "first_response_seconds": 3600, "warning_percent": bad}
        )
        assert refused.status_code == 422, bad
        assert set(refused.json()) == {"error"}
        assert "warning_percent" in refused.json()["error"]


async def test_the_watch_marks_each_warning_and_breach_once_and_metrics_count_breaches(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    hour = {"priority": "none", "first_response_seconds": 3600, "business_hours": False}
    await targets(mari, hour | {"warning_percent": 50})
    fresh, halfway, late = [await make.person(n) for n in ("fresh", "halfway", "late")]
    await fresh.status("@cafe hi")
    await at(timedelta(minutes=40), lambda: halfway.status("@cafe hello?"))
    await at(timedelta(minutes=70), lambda: late.status("@cafe anyone?"))
    ids = {c["contact"]["username"]: c["id"] for c in await desk.conversations()}
    mine = await desk.post(f"{BASE}/{ids['late']}/assign", json={"assignee_id": desk.person.id})
    assert mine.status_code == 200, mine.text
    emitted: list[Event] = []

    async def seen(tx: Tx, event: Event) -> None:
        emitted.append(event)

    subscribe(DeskSlaWarned)(seen)
    subscribe(DeskSlaBreached)(seen)
    try:
        assert await sla_watch.mark_due(services.db) == 2
        assert await sla_watch.mark_due(services.db) == 0  # once per conversation and target
    finally:
        unsubscribe(seen)
    warned = [e for e in emitted if isinstance(e, DeskSlaWarned)]
    breached = [e for e in emitted if isinstance(e, DeskSlaBreached)]
    assert [e.conversation_id for e in warned] == [int(ids["halfway"])]
    assert [(e.conversation_id, e.target) for e in breached] == [
        (int(ids["late"]), "first_response")
    ]
    assert breached[0].assignee_user_id == desk.person.user.id

    report = await mari.get("/api/porina/v1/desk/metrics")
    assert report.status_code == 200, report.text
    assert report.json()["breaches"] == 1
    rows = {r["account"]["username"]: r for r in report.json()["staff"]}
    assert rows["cafe_aino"]["breaches"] == 1
