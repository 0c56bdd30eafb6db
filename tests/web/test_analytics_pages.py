"""The analytics dashboards (``/analytics``, ``/analytics/statuses/:id``), their charts' files
and exports: who may read them, that they show the API's figures on a small known world
(tests/analytics/test_overview.py), the data tables, and the SVG and PNG downloads."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import httpx

from porina.core.clock import now
from porina.render import charts
from porina.services import Services
from tests.analytics.test_overview import BASE, a_week, ok
from tests.factories import Factory, Person
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of

CHARTS = ("followers", "activity", "engagements", "hashtags", "best_times")


def _cells(html: str, table_id: str) -> dict[str, list[str]]:
    """A table's rows by their header cell's text."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    out: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if cells:
            out[cells[0]] = cells[1:]
    return out


async def _as(services: Services, client: httpx.AsyncClient, person: Person) -> Browser:
    await sign_in_as(services, client, person)
    return Browser(client)


async def test_the_dashboard_shows_the_apis_figures_with_charts_and_tables(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    world = await a_week(services, make)
    cafe = world["cafe"]
    await cafe.status("Menu #lunch #vegan")
    today = str(now().date())
    period = {"from": today, "to": today}
    api = await ok(cafe, f"{BASE}/overview", **period)
    tags = await ok(cafe, f"{BASE}/hashtags", **period)
    assert [t["name"] for t in tags] == ["lunch", "vegan"]
    assert tags[0] == {"name": "lunch", "posts": 1, "impressions": 0, "engagements": 0}
    browser = await _as(services, client, cafe)
    page = await browser.get(f"/analytics?days=custom&from={today}&to={today}")
    assert page.status_code == 200, page.text
    html = page.text
    figures = _cells(html, "overview-figures")
    assert figures["Posts"][:2] == [str(api["posts"]), str(api["previous"]["posts"])]
    assert figures["Impressions"][0] == str(api["impressions"])
    assert figures["Reach"][0] == str(api["reach"])
    engaged = sum(api["engagements"].values())
    assert figures["Engagements"][0] == str(engaged)
    assert figures["Followers lost"][0] == str(api["followers"]["lost"])
    assert figures["Profile visits"][0] == str(api["profile_visits"])
    for name in ("by_impressions", "by_reach", "by_followers"):
        assert f'data-metric="engagement_rate_{name}"' in html
    assert "Engagement rate by reach" in text_of(html)
    rate = html.split('data-metric="engagement_rate_by_reach"', 1)[1].split("</dd>", 1)[0]
    assert f"{api['engagement_rate']['by_reach'] * 100:.0f}%" in text_of(rate)  # 5 / 2
    assert 'href="/analytics" aria-current="page"' in html
    # Every chart: inline SVG with a name, its data table, both downloads.
    for name in CHARTS:
        assert f'data-chart="{name}"' in html
        assert f'href="/analytics/charts/{name}.svg?' in html
        assert f'href="/analytics/charts/{name}.png?' in html
    assert html.count('<svg role="img" aria-label=') == len(CHARTS)
    assert html.count('<table class="chart-table">') == len(CHARTS)
    assert "#lunch" in text_of(html)
    assert "whole instance" in text_of(html)  # Cafe posted fewer than 10 times
    assert f'href="/analytics/statuses/{world["public"]["id"]}"' in html
    assert 'id="desk-metrics"' not in html  # a person's own account has no desk
    assert "/analytics/export?dataset=statuses&amp;format=parquet" in html
    # The per-post page: the API's lifetime counts.
    detail = await ok(cafe, f"{BASE}/statuses/{world['public']['id']}")
    shown = await browser.get(f"/analytics/statuses/{world['public']['id']}")
    assert shown.status_code == 200, shown.text
    totals = _cells(shown.text, "status-figures")
    assert totals["Impressions"] == [str(detail["status"]["impressions"])]
    assert totals["Favourites"] == ["1"] and totals["Quotes"] == ["1"]
    assert 'data-chart="status"' in shown.text


async def test_chart_files_and_exports(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    world = await a_week(services, make)
    browser = await _as(services, client, world["cafe"])
    first = str(now().date() - timedelta(days=6))
    for name in CHARTS:
        svg = await browser.get(f"/analytics/charts/{name}.svg?from={first}")
        assert svg.status_code == 200, svg.text
        assert svg.headers["content-type"].startswith("image/svg+xml")
        root = ElementTree.fromstring(svg.content)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        png = await browser.get(f"/analytics/charts/{name}.png?days=7")
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png.content[16:20]), int.from_bytes(png.content[20:24])
        assert (width, height) == (720, 320)
    status = await browser.get(f"/analytics/charts/status.png?id={world['public']['id']}")
    assert status.content[:8] == b"\x89PNG\r\n\x1a\n"
    theirs = await world["emma"].status("not cafe's")
    other = await browser.get(f"/analytics/charts/status.svg?id={theirs['id']}")
    assert other.status_code == 404
    assert (await browser.get("/analytics/charts/secrets.svg")).status_code == 404
    daily = await browser.get("/analytics/export?dataset=daily&format=csv&days=7")
    assert daily.status_code == 200
    api = await world["cafe"].get(
        f"{BASE}/export", params={"dataset": "daily", "format": "csv", "from": first}
    )
    assert daily.content == api.content


async def test_who_may_read(services: Services, client: httpx.AsyncClient, make: Factory) -> None:
    cafe, bakery = await make.person("cafe"), await make.person("bakery")
    ana, aino = await make.person("ana"), await make.person("aino")
    owner = await make.person("omar")
    post = await cafe.status("Open today #coffee")
    await appoint(services, cafe, ana, "analyst")
    await appoint(services, cafe, aino, "agent")
    await appoint(services, cafe, owner, "manager")
    anonymous = await Browser(client).get("/analytics")
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/auth/sign_in")
    # An analyst, who cannot act as the brand on the web, reads it with account_id.
    analyst = await _as(services, client, ana)
    mine = await analyst.get("/analytics")
    assert mine.status_code == 200
    assert f"/analytics?account_id={cafe.id}" in mine.text
    read = await analyst.get(f"/analytics?account_id={cafe.id}")
    assert read.status_code == 200, read.text
    assert 'id="desk-metrics"' in read.text
    assert f"/analytics/statuses/{post['id']}?account_id={cafe.id}" in read.text
    one = await analyst.get(f"/analytics/statuses/{post['id']}?account_id={cafe.id}")
    assert one.status_code == 200
    assert (await analyst.get(f"/analytics?account_id={bakery.id}")).status_code == 404
    assert (await analyst.get(f"/analytics/statuses/{post['id']}")).status_code == 404
    chart = await analyst.get(f"/analytics/charts/followers.svg?account_id={bakery.id}")
    assert chart.status_code == 404
    # An agent acting as the brand is refused and has no link.
    agent = await _as(services, client, aino)
    assert (await agent.post("/web/acting", {"account_id": cafe.id})).status_code == 303
    refused = await agent.get("/analytics")
    assert refused.status_code == 403
    assert 'href="/analytics"' not in (await agent.get("/home")).text
    assert (await agent.get(f"/analytics?account_id={cafe.id}")).status_code == 403
    assert (await agent.get("/analytics/export?dataset=daily")).status_code == 403
    # A manager acting as the brand reads it.
    manager = await _as(services, client, owner)
    assert (await manager.post("/web/acting", {"account_id": cafe.id})).status_code == 303
    acting = await manager.get("/analytics")
    assert acting.status_code == 200 and 'id="desk-metrics"' in acting.text


async def test_the_dashboard_in_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    cafe = await make.person("cafe")
    await cafe.status("Hei #kahvi")
    browser = await _as(services, client, cafe)
    await browser.post("/lang", {"lang": "fi", "next": "/analytics"})
    page = await browser.get("/analytics?days=7")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Analytiikka" in words and "Sitoutumisaste tavoittavuudesta" in words
    assert "Parhaat aihetunnisteet" in words and "Lataa" in words
    svg = await browser.get("/analytics/charts/best_times.svg")
    assert ">ma<" in svg.text or ">ma </" in svg.text


async def test_an_unchanged_dashboard_draws_no_chart_again(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    """The charts are cached by what they show: the same view again draws nothing, a new
    figure draws the chart it changes."""
    world = await a_week(services, make)
    cafe = world["cafe"]
    browser = await _as(services, client, cafe)
    today = str(now().date())
    path = f"/analytics?days=custom&from={today}&to={today}"
    charts.clear_cache()
    first = await browser.get(path)
    drawn = charts.RENDERS[0]
    again = await browser.get(path)
    assert charts.RENDERS[0] == drawn
    assert re.findall(r"<svg.*?</svg>", again.text, re.S) == re.findall(
        r"<svg.*?</svg>", first.text, re.S
    )
    await cafe.status("One more post today")
    changed = await browser.get(path)
    assert charts.RENDERS[0] > drawn
    assert changed.text != again.text
