"""GET /api/porina/v1/calendar: every brand the staff member serves, each post at its time in
its brand's time zone (the desk's business-hours zone, else the instance's), with its state;
bad ranges are 422."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from porina.services import Services
from tests.calendar.calendar_world import CALENDAR, draft, ok, step, team
from tests.desk.inbox_support import Staff
from tests.factories import Factory
from tests.operators.support import appoint, brand_token

HELSINKI = ZoneInfo("Europe/Helsinki")
HOURS = {"mon": [["08:00", "16:00"]]}


async def _in_helsinki(who: Staff) -> None:
    hours = {"time_zone": "Europe/Helsinki", "weekly": HOURS}
    response = await who.put("/api/porina/v1/desk/business_hours", json=hours)
    assert response.status_code == 200, response.text


async def _calendar(who: Staff, first: date, last: date, **extra: str) -> list[dict[str, Any]]:
    params = {"from": first.isoformat(), "to": last.isoformat(), **extra}
    response = await who.get(CALENDAR, params=params)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


async def test_entries_are_on_the_brands_local_day_with_their_state(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    await _in_helsinki(t.manager)
    day = datetime.now(HELSINKI).date() + timedelta(days=40)
    late = await draft(t.agent, "Late-night jazz", scheduled_at=f"{day}T23:30")
    assert (
        late["local_time"]
        == datetime(day.year, day.month, day.day, 23, 30, tzinfo=HELSINKI).isoformat()
    )
    utc = datetime(day.year, day.month, day.day, 23, 30, tzinfo=HELSINKI).astimezone(UTC)
    assert late["scheduled_at"] == utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    [entry] = await _calendar(t.manager, day, day)
    assert (entry["id"], entry["kind"], entry["state"]) == (late["id"], "draft", "draft")
    assert (entry["local_date"], entry["time_zone"]) == (day.isoformat(), "Europe/Helsinki")
    assert entry["text"] == "Late-night jazz"
    assert await _calendar(t.manager, day + timedelta(days=1), day + timedelta(days=1)) == []

    ok(await step(t.agent, late["id"], "submit"))
    ok(await step(t.manager, late["id"], "approve"))
    [scheduled] = await _calendar(t.manager, day, day)
    assert scheduled["state"] == "scheduled"


async def test_published_posts_and_mastodon_scheduled_statuses_are_on_the_calendar(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    posted = await t.brand.status("Open today until six")
    later = datetime.now(UTC) + timedelta(days=3)
    made = await t.brand.post(
        "/api/v1/statuses", json={"status": "From an app", "scheduled_at": later.isoformat()}
    )
    assert made.status_code == 200, made.text
    today = datetime.now(UTC).date()
    entries = await _calendar(t.manager, today - timedelta(days=1), today + timedelta(days=4))
    found = {(e["kind"], e["state"], e["text"]) for e in entries}
    assert ("status", "published", "Open today until six") in found
    assert ("scheduled_status", "scheduled", "From an app") in found
    published = next(e for e in entries if e["kind"] == "status")
    assert published["status_id"] == posted["id"]


async def test_a_published_draft_stands_for_its_post(services: Services, make: Factory) -> None:
    t = await team(services, make)
    made = await draft(t.manager, "Approved and out")
    ok(await step(t.manager, made["id"], "submit"))
    ok(await step(t.manager, made["id"], "approve"))
    today = datetime.now(UTC).date()
    [entry] = await _calendar(t.manager, today - timedelta(days=1), today + timedelta(days=1))
    assert (entry["kind"], entry["state"], entry["id"]) == ("draft", "published", made["id"])
    assert entry["status_id"]


async def test_the_calendar_covers_every_brand_the_staff_member_serves(
    services: Services, make: Factory
) -> None:
    cafe = await team(services, make, "kahvila")
    shop = await team(services, make, "puoti")
    await _in_helsinki(cafe.manager)
    # Mari manages the café and also works the shop's calendar as an agent
    await appoint(services, shop.brand, cafe.manager.person, "agent")
    as_shop = Staff(
        cafe.manager.person,
        shop.brand,
        await brand_token(services, shop.brand, cafe.manager.person),
        make.client,
    )
    day = datetime.now(UTC).date() + timedelta(days=30)
    await draft(cafe.manager, "Café post", scheduled_at=f"{day}T12:00")
    await draft(as_shop, "Shop post", scheduled_at=f"{day}T12:00")
    await draft(shop.manager, "Other shop post", scheduled_at=f"{day}T13:00")
    entries = await _calendar(cafe.manager, day, day)
    assert [(e["text"], e["time_zone"], e["local_time"][11:16]) for e in entries] == [
        ("Café post", "Europe/Helsinki", "12:00"),
        ("Shop post", "UTC", "12:00"),
        ("Other shop post", "UTC", "13:00"),
    ]
    only = await _calendar(cafe.manager, day, day, account_id=shop.brand.id)
    assert {e["account_id"] for e in only} == {shop.brand.id}
    stranger = await team(services, make, "kauppa")
    response = await cafe.manager.get(
        CALENDAR, params={"from": str(day), "to": str(day), "account_id": stranger.brand.id}
    )
    assert response.status_code == 404


async def test_bad_ranges_are_422(services: Services, make: Factory) -> None:
    t = await team(services, make)
    for params in (
        {},
        {"from": "2026-12-01"},
        {"from": "2026-13-01", "to": "2026-12-31"},
        {"from": "yesterday", "to": "2026-12-31"},
        {"from": "2026-12-31", "to": "2026-12-01"},
        {"from": "2026-01-01", "to": "2026-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "9999-12-30", "to": "9999-12-31"},
    ):
        response = await t.manager.get(CALENDAR, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["error"].startswith("Validation failed"), response.text
