"""The calendar's web pages with plain forms (no JavaScript): an agent acting as the brand
writes and submits a draft, a manager approves it and sees it published on the month view; a
draft moves to another day with its date form; a missed post shows its reason and a retry;
another brand's draft is a 404; the pages speak Finnish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from porina.accounts import operators
from porina.calendar import actions
from porina.core.actor import Actor
from porina.moderation import reports
from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of


async def _acting(
    services: Services,
    client: httpx.AsyncClient,
    make: Factory,
    brand: Person,
    name: str,
    role: operators.Role,
) -> tuple[Browser, Person]:
    person = await make.person(name)
    await appoint(services, brand, person, role)
    await sign_in_as(services, client, person)
    browser = Browser(client)
    switched = await browser.post("/web/acting", {"account_id": brand.id})
    assert switched.status_code == 303, switched.text
    return browser, person


def _draft_id(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/calendar/drafts/"), location
    return location.split("/")[3].split("?")[0]


async def test_agent_submits_manager_approves_and_the_month_shows_it_published(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    aino, _ = await _acting(services, client, make, brand, "aino", "agent")
    day = datetime.now(UTC).date() + timedelta(days=3)
    created = await aino.post(
        "/calendar/drafts",
        {"status": "Cinnamon buns day", "visibility": "public", "scheduled_at": f"{day}T10:00"},
    )
    draft_id = _draft_id(created)
    page = await aino.get(f"/calendar?day={day}")
    assert page.status_code == 200, page.text
    assert "Cinnamon buns day" in page.text and "Draft" in text_of(page.text)
    assert (await aino.post(f"/calendar/drafts/{draft_id}/submit")).status_code == 303
    refused = await aino.post(f"/calendar/drafts/{draft_id}/approve")
    assert refused.status_code == 403
    assert "owners and managers" in text_of(refused.text)

    mari, _ = await _acting(services, client, make, brand, "mari", "manager")
    editor = await mari.get(f"/calendar/drafts/{draft_id}")
    assert "Waiting for approval" in text_of(editor.text)
    assert (await mari.post(f"/calendar/drafts/{draft_id}/approve")).status_code == 303
    week = text_of((await mari.get(f"/calendar?view=week&day={day}")).text)
    assert "Cinnamon buns day" in week and "Scheduled" in week


async def test_a_draft_moves_to_another_day_with_its_date_form(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    mari, _ = await _acting(services, client, make, brand, "mari", "manager")
    day = datetime.now(UTC).date() + timedelta(days=5)
    draft_id = _draft_id(
        await mari.post("/calendar/drafts", {"status": "Move me", "scheduled_at": f"{day}T14:30"})
    )
    later = day + timedelta(days=2)
    back = f"/calendar?view=month&day={day}"
    moved = await mari.post(
        f"/calendar/drafts/{draft_id}/reschedule", {"date": str(later), "back": back}
    )
    assert moved.status_code == 303 and moved.headers["location"].startswith(back)
    editor = await mari.get(f"/calendar/drafts/{draft_id}")
    assert f'value="{later}T14:30"' in editor.text
    page = (await mari.get(back)).text
    cell = page.split(f'data-date="{later}"', 1)[1].split("</td>", 1)[0]
    assert "Move me" in cell
    past = await mari.post(f"/calendar/drafts/{draft_id}/reschedule", {"date": "2001-01-01"})
    assert past.status_code == 422
    assert "in the future" in text_of(past.text)


async def test_a_missed_post_shows_its_reason_and_retry_publishes(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    mari, mari_person = await _acting(services, client, make, brand, "mari", "manager")
    draft_id = _draft_id(await mari.post("/calendar/drafts", {"status": "Fika time"}))
    assert (await mari.post(f"/calendar/drafts/{draft_id}/submit")).status_code == 303
    moderator = await make.person("moderaattori")
    async with services.db.transaction() as tx:  # approved, and the brand suspended at once
        await actions.approve(
            tx, Actor(brand.account.id, mari_person.user.id, operated=True), int(draft_id)
        )
        await reports.act_on_account(tx, moderator.actor, brand.account.id, "suspend")
    await services.runner.drain()
    async with services.db.transaction() as tx:
        await reports.undo_on_account(tx, brand.account.id, "unsuspend")
    today = datetime.now(UTC).date()
    page = text_of((await mari.get(f"/calendar?day={today}")).text)
    assert "Missed" in page and "Not published: The brand account is suspended" in page
    editor = text_of((await mari.get(f"/calendar/drafts/{draft_id}")).text)
    assert "Not published: The brand account is suspended" in editor
    assert (await mari.post(f"/calendar/drafts/{draft_id}/retry")).status_code == 303
    assert "Published" in text_of((await mari.get(f"/calendar/drafts/{draft_id}")).text)
    statuses = await client.get(f"/api/v1/accounts/{brand.id}/statuses")
    assert "Fika time" in statuses.json()[0]["content"]


async def test_another_brands_draft_is_a_404_and_the_pages_speak_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    shop = await make.person("puoti")
    async with services.db.transaction() as tx:
        theirs = await actions.create(
            tx, Actor(shop.account.id, shop.user.id), {"status": "x"}, "UTC"
        )
    brand = await make.person("kahvila")
    mari, _ = await _acting(services, client, make, brand, "mari", "manager")
    assert (await mari.get(f"/calendar/drafts/{theirs.id}")).status_code == 404
    assert (await mari.post(f"/calendar/drafts/{theirs.id}/approve")).status_code == 404
    await mari.post("/lang", {"lang": "fi", "next": "/calendar"})
    draft_id = _draft_id(await mari.post("/calendar/drafts", {"status": "Pullapäivä"}))
    await mari.post(f"/calendar/drafts/{draft_id}/submit")
    page = text_of((await mari.get("/calendar")).text)
    assert "Sisältökalenteri" in page and "Ilman aikaa olevat luonnokset" in page
    editor = text_of((await mari.get(f"/calendar/drafts/{draft_id}")).text)
    assert "Odottaa hyväksyntää" in editor and "Hyväksy" in editor and "Pyydä muutoksia" in editor
    refused = await mari.post(f"/calendar/drafts/{draft_id}/request_changes", {"comment": ""})
    assert refused.status_code == 422
    assert "kommentin on oltava 1" in text_of(refused.text)


async def test_an_analyst_reads_the_brands_calendar_on_their_own_without_forms(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    """Analysts cannot act as the brand on the web; their own calendar covers the brands they
    serve, read-only."""
    brand = await make.person("kahvila")
    day = datetime.now(UTC).date() + timedelta(days=2)
    async with services.db.transaction() as tx:
        made = await actions.create(
            tx,
            Actor(brand.account.id, brand.user.id),
            {"status": "Read me only", "scheduled_at": f"{day}T12:00"},
            "UTC",
        )
    olli = await make.person("olli")
    await appoint(services, brand, olli, "analyst")
    await sign_in_as(services, client, olli)
    reader = Browser(client)
    page = await reader.get(f"/calendar?day={day}")
    assert "Read me only" in page.text and "@kahvila" in page.text
    assert f"/calendar/drafts/{made.id}" not in page.text and 'name="date"' not in page.text
    assert (await reader.get(f"/calendar/drafts/{made.id}")).status_code == 404
    assert (await reader.post(f"/calendar/drafts/{made.id}/submit")).status_code == 404


async def test_any_day_or_view_in_the_address_shows_a_calendar(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    mari, _ = await _acting(services, client, make, brand, "mari", "manager")
    for query in (
        "?day=2999-12-30",
        "?view=week&day=2999-12-30",
        "?day=1970-01-02",
        "?view=week&day=1970-01-02",
        "?day=0001-01-01",
        "?day=nonsense&view=year",
        "?done=nothing",
    ):
        page = await mari.get(f"/calendar{query}")
        assert page.status_code == 200, (query, page.text[:300])
    assert (await mari.get("/calendar/drafts/new?day=not-a-day")).status_code == 200
    assert (await mari.get("/calendar/drafts/12345")).status_code == 404
    assert (await mari.post("/calendar/drafts/12345/publish_now")).status_code == 404
