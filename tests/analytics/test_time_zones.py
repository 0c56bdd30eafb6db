"""A person's own dashboard in their time zone (``figures``' module doc), across the end of
daylight saving in Helsinki: on Sunday 25 October 2026 the clocks went from 04:00 EEST
(UTC+3) back to 03:00 EET (UTC+2), so that local day had 25 hours, from 24 Oct 21:00 UTC
to 25 Oct 22:00 UTC. Every figure below is counted by hand from the moments in ``WORLD``;
the weekly report's Monday 07:00 falls at 04:00 UTC before the change and 05:00 UTC after.

    moment (UTC)     Helsinki            what
    23 Oct 21:30     Sat 24 Oct 00:30    cafe posts p1
    24 Oct 21:20     Sun 25 Oct 00:20    fan follows cafe
    24 Oct 21:30     Sun 25 Oct 00:30    cafe posts p2
    24 Oct 21:31     Sun 25 Oct 00:31    fan favourites p2
    24 Oct 21:32     Sun 25 Oct 00:32    kai reads cafe's profile: 2 impressions, 1 visit
    25 Oct 21:30     Sun 25 Oct 23:30    cafe posts p3 (the 25th hour: 00:30 a day earlier)
    25 Oct 21:32     Sun 25 Oct 23:32    kai reads cafe's profile: 3 impressions, 1 visit
    25 Oct 22:30     Mon 26 Oct 00:30    cafe posts p4
    25 Oct 22:31     Mon 26 Oct 00:31    fan favourites p1
    26 Oct 21:30     Mon 26 Oct 23:30    cafe posts p5
    26 Oct 22:31     Tue 27 Oct 00:31    fan favourites p5
    26 Oct 22:32     Tue 27 Oct 00:32    kai reads cafe's profile: 5 impressions, 1 visit
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import httpx

from porina.analytics import dashboard, figures, impressions, rollup, weekly
from porina.analytics.reports import Span
from porina.core.clock import back_dated
from porina.services import Services
from tests.web.conftest import Browser, sign_in_as, text_of

from ..factories import Factory, Person
from ..operators.support import appoint
from .test_overview import BASE, act, ok

HELSINKI = "Europe/Helsinki"
TODAY = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
"""The tests' clock: the figures do not depend on the day they run."""
DAYS = (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26))
PERIOD = {"from": "2026-10-24", "to": "2026-10-26"}


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """The clock reads ``moment`` within the block (from the real time, so blocks nest)."""
    with back_dated(datetime.now(UTC) - moment):
        yield


def utc(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


async def _world(services: Services, make: Factory) -> dict[str, Person]:
    cafe, fan, kai = await make.person("cafe"), await make.person("fan"), await make.person("kai")
    posts: dict[str, str] = {}

    async def post(name: str, moment: datetime) -> None:
        with at(moment):
            posts[name] = (await cafe.status(f"{name} of the day"))["id"]

    async def favourite(name: str, moment: datetime) -> None:
        with at(moment):
            await act(fan, f"/api/v1/statuses/{posts[name]}/favourite")

    async def read(moment: datetime) -> None:
        with at(moment):
            await ok(kai, f"/api/v1/accounts/{cafe.id}/statuses")

    impressions.BUFFER.take()
    await post("p1", utc(23, 21, 30))
    with at(utc(24, 21, 20)):
        await fan.follow(cafe)
    await post("p2", utc(24, 21, 30))
    await favourite("p2", utc(24, 21, 31))
    await read(utc(24, 21, 32))
    await post("p3", utc(25, 21, 30))
    await read(utc(25, 21, 32))
    await post("p4", utc(25, 22, 30))
    await favourite("p1", utc(25, 22, 31))
    await post("p5", utc(26, 21, 30))
    await favourite("p5", utc(26, 22, 31))
    await read(utc(26, 22, 32))
    await impressions.flush(services.db)
    return {"cafe": cafe, "fan": fan, "kai": kai}


Shown = dict[str, list[int]]
HELSINKI_DAYS: Shown = {
    "posts": [1, 2, 2],
    "impressions": [0, 2 + 3, 0],
    "favourites": [0, 1, 1],
    "followers_gained": [0, 1, 0],
}
UTC_DAYS: Shown = {
    "posts": [1, 2, 1],
    "impressions": [2, 3, 5],
    "favourites": [1, 1, 1],
    "followers_gained": [1, 0, 0],
}


async def _series(services: Services, account_id: int, zone: str) -> Shown:
    async with services.db.read() as session:
        days = await dashboard.daily(session, account_id, Span(DAYS[0], DAYS[-1], zone))
    assert [d.day for d in days] == list(DAYS)
    return {k: [d.counts[k] for d in days] for k in HELSINKI_DAYS}


async def _each_day_alone(services: Services, account_id: int, zone: str) -> Shown:
    out: Shown = {k: [] for k in HELSINKI_DAYS}
    async with services.db.read() as session:
        for day in DAYS:
            found = await figures.totals(session, account_id, day, day, zone=zone)
            for k in out:
                out[k].append(found.counts[k])
    return out


async def _check_days(services: Services, account_id: int) -> None:
    assert await _series(services, account_id, HELSINKI) == HELSINKI_DAYS
    assert await _each_day_alone(services, account_id, HELSINKI) == HELSINKI_DAYS
    assert await _series(services, account_id, "UTC") == UTC_DAYS


async def test_a_persons_days_are_days_in_their_zone_across_the_end_of_summer_time(
    services: Services, make: Factory
) -> None:
    with at(TODAY):
        world = await _world(services, make)
        cafe = world["cafe"]
        in_utc = await ok(cafe, f"{BASE}/overview", **PERIOD)
        assert in_utc["time_zone"] == "UTC"
        assert (in_utc["posts"], in_utc["impressions"], in_utc["profile_visits"]) == (4, 10, 3)
        assert in_utc["engagements"]["favourites"] == 3
        assert in_utc["followers"] == {"start": 0, "end": 1, "gained": 1, "lost": 0}
        assert (await cafe.put(f"{BASE}/preferences", json={"time_zone": HELSINKI})).is_success
        local = await ok(cafe, f"{BASE}/overview", **PERIOD)
        assert local["time_zone"] == HELSINKI
        assert (local["from"], local["to"]) == ("2026-10-24", "2026-10-26")
        assert (local["posts"], local["impressions"], local["profile_visits"]) == (5, 5, 2)
        assert local["engagements"]["favourites"] == 2
        assert local["followers"] == {"start": 0, "end": 1, "gained": 1, "lost": 0}
        # Reach: readers are kept per UTC day; Kai read on the 24th, 25th and 26th.
        assert local["reach"] == in_utc["reach"] == 1
        # The period before (21-23 October in Helsinki) ends at 23 Oct 21:00 UTC: p1 is not in it.
        assert local["previous"]["posts"] == 0 and in_utc["previous"]["posts"] == 1

        cafe_id = cafe.account.id
        await _check_days(services, cafe_id)
        for day in (date(2026, 10, n) for n in range(22, 29)):  # the same from the rollups
            async with services.db.transaction() as tx:
                await rollup.roll_day(tx, day)
        await _check_days(services, cafe_id)
        assert await ok(cafe, f"{BASE}/overview", **PERIOD) == local

        export = await cafe.get(f"{BASE}/export", params={**PERIOD, "dataset": "daily"})
        lines = export.text.splitlines()
        header = lines[0].split(",")
        rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
        assert [r["day"] for r in rows] == [str(d) for d in DAYS]
        assert [int(r["posts"]) for r in rows] == HELSINKI_DAYS["posts"]
        assert [int(r["impressions"]) for r in rows] == HELSINKI_DAYS["impressions"]
        tops = await ok(cafe, f"{BASE}/statuses", **PERIOD)
        assert len(tops) == 5  # p1-p5 were published on those days in Helsinki


def _activity(html: str) -> dict[str, list[str]]:
    """The activity chart's data table: posts, impressions, engagements by day."""
    table = html.split('id="chart-activity"', 1)[1].split("</table>", 1)[0]
    out: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = cells[1:]
    return out


async def test_the_dashboard_says_which_zone_its_days_are_in(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    with at(TODAY):
        world = await _world(services, make)
        cafe, kai = world["cafe"], world["kai"]
        await cafe.put(f"{BASE}/preferences", json={"time_zone": HELSINKI})
        await sign_in_as(services, client, cafe)
        browser = Browser(client)
        page = await browser.get("/analytics?days=custom&from=2026-10-24&to=2026-10-26")
        assert page.status_code == 200, page.text
        said = text_of(page.text.split('id="period-said"', 1)[1].split("</p>", 1)[0])
        assert "(days in Europe/Helsinki)" in said
        assert _activity(page.text) == {
            "Oct 24, 2026": ["1", "0", "0"],
            "Oct 25, 2026": ["2", "5", "1"],
            "Oct 26, 2026": ["2", "0", "1"],
        }
        assert "Engagements per post by weekday and hour (Europe/Helsinki)" in page.text
        png = await browser.get("/analytics/charts/activity.png?from=2026-10-24&to=2026-10-26")
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

        # A brand's days are UTC days, whoever reads them; its best times are the reader's.
        brand = await make.person("kahvila")
        await appoint(services, brand, cafe, "analyst")
        as_team = await browser.get(
            f"/analytics?days=custom&from=2026-10-24&to=2026-10-26&account_id={brand.id}"
        )
        assert as_team.status_code == 200, as_team.text
        assert "(days in UTC)" in text_of(as_team.text)
        assert "by weekday and hour (Europe/Helsinki)" in as_team.text

        # In Finnish.
        await kai.put(f"{BASE}/preferences", json={"time_zone": HELSINKI})
        await sign_in_as(services, client, kai)
        browser = Browser(client)
        await browser.post("/lang", {"lang": "fi", "next": "/analytics"})
        finnish = await browser.get("/analytics?days=7")
        assert "(päivät aikavyöhykkeellä Europe/Helsinki)" in text_of(finnish.text)


async def test_the_weekly_report_comes_at_seven_in_helsinki_before_and_after_the_change(
    services: Services, make: Factory
) -> None:
    """Helsinki's Monday 07:00 is 04:00 UTC on 19 October (EEST) and 05:00 UTC on 26 October
    (EET); the hourly job runs at minute 5. Fan and Kai chose no zone: UTC, at 07:05."""
    with at(TODAY):
        world = await _world(services, make)
        await world["cafe"].put(f"{BASE}/preferences", json={"time_zone": HELSINKI})

    async def due(moment: datetime) -> int:
        with at(moment):
            return await weekly.send_due(services.db, services.settings, moment)

    assert await due(utc(19, 3, 5)) == 0  # Helsinki 06:05
    assert await due(utc(19, 4, 5)) == 1  # Helsinki 07:05: cafe
    assert await due(utc(19, 6, 5)) == 0
    assert await due(utc(19, 7, 5)) == 2  # UTC 07:05: fan and kai
    assert await due(utc(26, 4, 5)) == 0  # Helsinki 06:05 now
    assert await due(utc(26, 5, 5)) == 1  # Helsinki 07:05: cafe
    assert await due(utc(26, 7, 5)) == 2
    assert await due(utc(26, 8, 5)) == 0  # once a week


async def test_a_persons_weekly_report_counts_days_in_their_zone(
    services: Services, make: Factory
) -> None:
    """The week before Monday 26 October in Helsinki runs from 18 Oct 21:00 UTC to 25 Oct
    22:00 UTC: p1, p2, p3 and one favourite (p4 and the favourite of p1 came on Monday
    there). In UTC days, 19-25 October hold p1-p4 and two favourites."""
    with at(TODAY):
        world = await _world(services, make)
        cafe = world["cafe"]
        await cafe.put(f"{BASE}/preferences", json={"time_zone": HELSINKI})
        async with services.db.read() as session:
            mine = [r for r in await weekly.recipients(session) if r.user_id == cafe.user.id]
            assert [(r.time_zone, r.own) for r in mine] == [(HELSINKI, True)]
            draft = await weekly.draft(session, services.settings, mine[0], date(2026, 10, 26))
            in_utc = await weekly.rows(session, cafe.account.id, date(2026, 10, 26), "en")
    assert "2026-10-19 - 2026-10-25 (days in Europe/Helsinki)" in draft.text
    assert "Posts: 3 (previous week 0, +3)" in draft.text
    assert "Engagements: 1 (previous week 0, +1)" in draft.text
    assert "Impressions: 5 (previous week 0, +5)" in draft.text
    shown: dict[str, Any] = {r.key: r.value for r in in_utc}
    assert (shown["posts"], shown["engagements"], shown["impressions"]) == (4, 2, 5)


async def test_dates_out_of_range_are_refused_in_every_zone(
    services: Services, make: Factory
) -> None:
    """The far past and future are refused with 422 (ids are milliseconds in 64 bits), in
    UTC and in a zone east and west of it."""
    aino = await make.person("aino")
    for zone in ("UTC", HELSINKI, "America/New_York"):
        await aino.put(f"{BASE}/preferences", json={"time_zone": zone})
        for period in (
            {"from": "9999-12-30", "to": "9999-12-31"},
            {"from": "0001-01-01", "to": "0001-01-02"},
            {"from": "6500-01-01", "to": "6500-01-02"},
            {"to": "0001-01-01"},
        ):
            for path in ("overview", "statuses", "hashtags", "export"):
                refused = await aino.get(f"{BASE}/{path}", params=period)
                assert refused.status_code == 422, (zone, period, path, refused.text)
                assert "error" in refused.json()
        finnish = await make.client.get(
            f"{BASE}/overview",
            params={"to": "0001-01-01"},
            headers={**aino.headers, "Accept-Language": "fi"},
        )
        assert "päiviä 1970-01-01 ja 2999-12-31 väliltä" in finnish.json()["error"]
        fine = await aino.get(f"{BASE}/overview", params={"from": "2999-12-30", "to": "2999-12-31"})
        assert fine.status_code == 200, fine.text
