"""A person's analytics preferences (``analytics/preferences.py``): the weekly report switch
and the time zone, through the API and the settings page, each change a ``ProfileUpdated``
naming it; the best-times heatmap is drawn in the reader's zone, across a daylight-saving
change (Helsinki is UTC+3 in September, UTC+2 in December)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from porina.analytics.models import AnalyticsEvent
from porina.core.clock import now
from porina.services import Services
from tests.web.conftest import Browser, sign_in_as, text_of

from ..factories import Factory
from .test_overview import BASE, act, ok
from .test_time_zones import TODAY, at

PREFS = f"{BASE}/preferences"


async def test_the_time_zone_and_the_weekly_report_through_the_api(
    services: Services, make: Factory
) -> None:
    aino = await make.person("aino")
    assert await ok(aino, PREFS) == {"weekly_report": True, "time_zone": "UTC"}
    for bad in ({"time_zone": "Mars/Olympus"}, {"time_zone": "EET5"}, {"time_zone": 3}, {}):
        refused = await aino.put(PREFS, json=bad)
        assert refused.status_code == 422 and "error" in refused.json(), bad
    changed = await aino.put(PREFS, json={"time_zone": "Europe/Helsinki"})
    assert changed.json() == {"weekly_report": True, "time_zone": "Europe/Helsinki"}
    off = await aino.put(f"{BASE}/weekly_report", json={"enabled": False})
    assert off.json() == {"enabled": False}
    assert await ok(aino, PREFS) == {"weekly_report": False, "time_zone": "Europe/Helsinki"}
    async with services.db.read() as session:
        said = (
            await session.scalars(
                select(AnalyticsEvent.data).where(
                    AnalyticsEvent.name == "account:profile:update",
                    AnalyticsEvent.actor_account_id == aino.account.id,
                )
            )
        ).all()
    assert [d["changed"] for d in said] == ["time_zone", "analytics_weekly_report"]


async def test_the_settings_page_sets_both(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    emma = await make.person("emma")
    await sign_in_as(services, client, emma)
    browser = Browser(client)
    page = (await browser.get("/settings")).text
    assert '<option value="Europe/Helsinki">' in page and 'id="weekly_report"' in page
    saved = await browser.post("/settings/analytics", {"time_zone": "Europe/Helsinki"})
    assert saved.status_code == 303
    assert await ok(emma, PREFS) == {"weekly_report": False, "time_zone": "Europe/Helsinki"}
    shown = (await browser.get("/settings")).text
    assert '<option value="Europe/Helsinki" selected>' in shown
    bad = await browser.post("/settings/analytics", {"time_zone": "Nowhere", "weekly_report": "1"})
    assert bad.status_code == 422 and "IANA time zone" in text_of(bad.text)
    assert (await ok(emma, PREFS))["time_zone"] == "Europe/Helsinki"
    again = await browser.post("/settings/analytics", {"time_zone": "UTC", "weekly_report": "1"})
    assert again.status_code == 303
    assert await ok(emma, PREFS) == {"weekly_report": True, "time_zone": "UTC"}
    assert (
        'id="weekly_report" name="weekly_report" value="1" checked'
        in (await browser.get("/settings")).text
    )
    await browser.post("/lang", {"lang": "fi", "next": "/settings"})
    finnish = text_of((await browser.get("/settings")).text)
    assert "Lähetä minulle viikoittainen analytiikkaraportti sähköpostitse" in finnish
    assert "Oman analytiikkanäkymäsi päivät lasketaan sen mukaan" in finnish


async def test_best_times_are_in_the_readers_zone_across_daylight_saving(
    services: Services, make: Factory
) -> None:
    """Read on 5 December 2026 (the last 16 weeks reach back to 15 August)."""
    with at(TODAY):
        await _best_times_in_zones(make)


async def _best_times_in_zones(make: Factory) -> None:
    cafe, fan = await make.person("cafe"), await make.person("fan")
    winter = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # Helsinki UTC+2: Tuesday 00:30
    summer = datetime(2026, 9, 7, 21, 30, tzinfo=UTC)  # Helsinki UTC+3: Tuesday 00:30
    assert now() - summer < timedelta(weeks=16)
    for moment in (winter, summer):
        with at(moment):
            post = await cafe.status("Fresh buns")
            await act(fan, f"/api/v1/statuses/{post['id']}/favourite")
    utc = await ok(cafe, f"{BASE}/best_times")
    assert utc["time_zone"] == "UTC"
    assert utc["cells"][0][22] == 1.0 and utc["cells"][0][21] == 1.0
    await cafe.put(PREFS, json={"time_zone": "Europe/Helsinki"})
    local = await ok(cafe, f"{BASE}/best_times")
    assert local["time_zone"] == "Europe/Helsinki"
    assert local["cells"][1][0] == 1.0  # both on Tuesday at midnight's hour, there
    assert local["cells"][0][22] is None and local["cells"][0][21] is None
