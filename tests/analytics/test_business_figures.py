"""The business figures beside the social ones (issue 17: desk and campaign figures join the
dashboards): the desk's response times, contest entries and newsletter sign-ups of a period,
against hand-counted values, read by the brand's analyst and refused to its agent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from porina.core.clock import back_dated, now
from porina.services import Services
from porina.settings import Settings
from tests.support.smtp import SmtpServer, sending_to

from ..campaigns.contest_world import contest, enter
from ..desk.inbox_support import staff
from ..desk.test_metrics import a_morning, minutes
from ..factories import Factory
from ..newsletter.test_newsletter import new_list, sign_up, subscribers
from ..web.conftest import Browser, sign_in_as, text_of

BUSINESS = "/api/porina/v1/analytics/business"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, instance_title="Porina")


def today() -> dict[str, str]:
    day = str(now().date())
    return {"from": day, "to": day}


def the_morning() -> dict[str, str]:
    """The period holding ``a_morning`` (its first question is 3 h old): today, or yesterday
    and today when the test runs before 03:00 UTC."""
    return {"from": str((now() - timedelta(hours=3)).date()), "to": str(now().date())}


def days(period: dict[str, str]) -> int:
    return (date.fromisoformat(period["to"]) - date.fromisoformat(period["from"])).days + 1


async def test_desk_contests_and_newsletter_figures_of_a_period(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    desk, manager, emma, _cid = await a_morning(services, make)
    analyst = await staff(services, make, desk.brand, "cafe_ilona", "analyst")
    post = await desk.brand.status("Win a year of coffee!")
    period = the_morning()
    since = now() - timedelta(days=days(period) + 1)
    contest_id = await contest(services, desk.brand, post["id"], starts_at=since.isoformat())
    olli = await make.person("olli")
    for person, action in ((emma, "favourite"), (emma, "reply"), (olli, "favourite")):
        await enter(services, contest_id, person, action)
    with back_dated(timedelta(days=days(period))):  # the previous period
        await enter(services, contest_id, olli, "reply")
    listing = await new_list(manager, double_opt_in=False)
    for email in ("eve@example.com", "kai@example.com"):
        assert await sign_up(make.client, listing["id"], email) == 202
    await services.runner.drain()
    leaving = next(m for m in smtp.messages if m.message["To"] == "eve@example.com")
    link = leaving.message["List-Unsubscribe"].split("<", 1)[1].split(">", 1)[0]
    make.client.cookies.clear()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    gone = await make.client.post(path, content=b"List-Unsubscribe=One-Click", headers=FORM)
    assert gone.status_code == 200
    assert (await subscribers(manager, listing["id"]))["eve@example.com"] == "unsubscribed"

    response = await analyst.get(BUSINESS, params=period)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["contests"] == {"entries": 3, "entrants": 2}
    assert body["previous"]["contests"] == {"entries": 1, "entrants": 1}
    mailed = {"sent": 0, "bounced": 0, "clicks": 0}  # no campaign (tests/newsletter has them)
    assert body["newsletter"] == {"confirmed": 2, "unsubscribed": 1, **mailed}
    assert body["previous"]["newsletter"] == {"confirmed": 0, "unsubscribed": 0, **mailed}
    desk_figures = body["desk"]
    # Opened: Emma's morning question, and her contest reply reopening the resolved
    # conversation; favourites are light items and open nothing.
    assert (desk_figures["opened"], desk_figures["resolved"]) == (2, 1)
    assert minutes(desk_figures["first_response"]["median"]) == 120
    assert desk_figures["reply"]["count"] == 2
    assert body["previous"]["desk"]["opened"] == 1  # Olli's reply in the period before
    refused = await desk.get(BUSINESS, params=period)  # an agent reads no analytics
    assert refused.status_code == 403 and "error" in refused.json()
    # The dashboard shows the same figures, in Finnish for a Finnish reader.
    make.client.cookies.clear()
    await sign_in_as(services, make.client, analyst.person)
    browser = Browser(make.client)
    await browser.post("/lang", {"lang": "fi", "next": "/analytics"})
    page = await browser.get(
        f"/analytics?account_id={desk.brand.id}&days=custom&from={period['from']}&to={period['to']}"
    )
    assert page.status_code == 200, page.text
    section = text_of(page.text.split('id="campaign-figures"', 1)[1].split("</section>", 1)[0])
    assert "Kilpailut ja uutiskirje" in section
    assert "Kilpailuosallistumiset 3 1" in " ".join(section.split())
    assert "Uutiskirjeen peruutukset 1 0" in " ".join(section.split())


async def test_a_person_without_a_team_has_no_desk_figures(make: Factory) -> None:
    emma = await make.person("emma")
    response = await emma.get(BUSINESS, params=today())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["desk"] is None and body["contests"] == {"entries": 0, "entrants": 0}
