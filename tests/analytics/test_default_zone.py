"""The instance's time zone (``PORINA_DEFAULT_TIME_ZONE``): a person who has chosen none is in
it (their preferences, their own dashboard's days, the best times, the weekly report); one
who chose another keeps theirs; a name that is not an IANA zone stops start-up."""

from __future__ import annotations

import httpx
import pytest

from porina.analytics import weekly
from porina.services import Services
from porina.settings import Settings, SettingsError, load
from tests.web.conftest import Browser, sign_in_as

from ..factories import Factory
from .test_overview import BASE, ok

PREFS = f"{BASE}/preferences"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(default_time_zone="Europe/Helsinki")


async def test_a_person_without_a_zone_is_in_the_instances(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, olli = await make.person("aino"), await make.person("olli")
    assert await ok(aino, PREFS) == {"weekly_report": True, "time_zone": "Europe/Helsinki"}
    assert (await ok(aino, f"{BASE}/best_times"))["time_zone"] == "Europe/Helsinki"
    assert (await ok(aino, f"{BASE}/overview"))["time_zone"] == "Europe/Helsinki"
    chosen = await olli.put(PREFS, json={"time_zone": "America/New_York"})
    assert chosen.json()["time_zone"] == "America/New_York"
    assert (await ok(olli, f"{BASE}/overview"))["time_zone"] == "America/New_York"
    async with services.db.read() as session:
        zones = {r.username: r.time_zone for r in await weekly.recipients(session, "UTC")}
    assert zones == {"aino": "UTC", "olli": "America/New_York"}  # the default passed in
    await sign_in_as(services, client, aino)
    page = (await Browser(client).get("/settings")).text
    assert '<option value="Europe/Helsinki" selected>' in page


@pytest.mark.parametrize("name", ["Mars/Olympus", "EET5", "", "../etc/passwd"])
def test_a_bad_instance_zone_stops_start_up(name: str) -> None:
    with pytest.raises(SettingsError, match="PORINA_DEFAULT_TIME_ZONE"):
        load({"PORINA_DEFAULT_TIME_ZONE": name})
    assert load({"PORINA_DEFAULT_TIME_ZONE": "Asia/Kolkata"}).default_time_zone == "Asia/Kolkata"
