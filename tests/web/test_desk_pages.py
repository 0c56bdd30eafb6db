"""The desk's web pages (``/desk``, ``/desk/conversations/:id``): staff acting as the brand
see its inbox and conversations and work them with plain forms; another brand's
conversation is a 404, someone on no team is refused, internal notes show nowhere public."""

from __future__ import annotations

import httpx

from porina.services import Services
from tests.desk.inbox_support import AGENT
from tests.factories import Factory, Person
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of


async def _acting(
    services: Services, client: httpx.AsyncClient, make: Factory, brand: Person, name: str
) -> Browser:
    person = await make.person(name)
    await appoint(services, brand, person, AGENT)
    await sign_in_as(services, client, person)
    browser = Browser(client)
    switched = await browser.post("/web/acting", {"account_id": brand.id})
    assert switched.status_code == 303, switched.text
    return browser


async def _first_row(browser: Browser, query: str = "?view=all") -> str:
    page = await browser.get("/desk" + query)
    assert page.status_code == 200, page.text
    marker = 'class="desk-row item" data-conversation-id="'
    assert marker in page.text, page.text
    return page.text.split(marker, 1)[1].split('"', 1)[0]


async def test_an_agent_sees_the_inbox_and_works_a_conversation(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("cafe")
    emma = await make.person("emma")
    browser = await _acting(services, client, make, brand, "aino")
    await emma.status("@cafe is the terrace open today?")
    inbox = await browser.get("/desk?view=all")
    assert "is the terrace open today?" in text_of(inbox.text)
    assert '<ol id="desk-list"' in inbox.text
    assert 'href="/desk" aria-current="page"' in inbox.text
    assert '<script src="/static/desk.js" defer></script>' in inbox.text
    assert 'id="desk-shortcuts"' in inbox.text
    assert (await client.get("/static/desk.js")).status_code == 200
    cid = await _first_row(browser)
    mine = await browser.get("/desk?view=mine")
    assert f'data-conversation-id="{cid}"' not in mine.text

    path = f"/desk/conversations/{cid}"
    assert (await browser.post(path + "/assign", {"assignee": "me"})).status_code == 303
    assert cid == await _first_row(browser, "?view=mine")
    shown = await browser.get(path + "?done=assigned")
    assert f'<section id="desk-conversation" data-conversation-id="{cid}">' in shown.text
    assert "The conversation is assigned." in text_of(shown.text)
    assert "Assigned to aino" in text_of(shown.text)

    triaged = await browser.post(path + "/triage", {"priority": "high", "labels": "terassi, kesä"})
    assert triaged.status_code == 303, triaged.text
    triage_page = text_of((await browser.get(path + "?done=triaged")).text)
    assert "The priority and labels are saved." in triage_page
    assert "Priority: High" in triage_page
    assert "terassi" in triage_page and "kesä" in triage_page
    wrong = await browser.post(path + "/triage", {"priority": "asap"})
    assert wrong.status_code == 422 and "That did not work" in text_of(wrong.text)

    noted = await browser.post(path + "/notes", {"text": "She asked last week too"})
    assert noted.status_code == 303, noted.text
    page = await browser.get(path)
    assert 'data-kind="note"' in page.text
    assert "Internal note — only the team sees this" in text_of(page.text)

    sent = await browser.post(
        path + "/reply", {"text": "Yes, until 18!", "visibility": "public", "resolve": "1"}
    )
    assert sent.status_code == 303, sent.text
    page = await browser.get(path)
    assert 'data-kind="sent"' in page.text and "Yes, until 18!" in page.text
    assert "by aino" in text_of(page.text)
    assert await _first_row(browser, "?view=all&status=resolved") == cid

    blank = await browser.post(path + "/notes", {"text": "  "})
    assert blank.status_code == 422
    assert "That did not work" in text_of(blank.text)

    profile = await client.get("/@cafe")
    assert "She asked last week too" not in profile.text
    emma_page = await client.get("/@emma")
    assert "She asked last week too" not in emma_page.text


async def test_another_brands_conversation_is_a_404_and_a_stranger_is_refused(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    cafe, bakery = await make.person("cafe"), await make.person("bakery")
    emma = await make.person("emma")
    bakery_agent = await _acting(services, client, make, bakery, "olli")
    await emma.status("@bakery do you have rye bread?")
    theirs = await _first_row(bakery_agent)
    await _acting(services, client, make, cafe, "aino")
    browser = Browser(client)
    assert (await browser.get(f"/desk/conversations/{theirs}")).status_code == 404
    refused = await browser.post(f"/desk/conversations/{theirs}/notes", {"text": "hi"})
    assert refused.status_code == 404
    stranger = await make.person("stranger")
    await sign_in_as(services, client, stranger)
    assert (await Browser(client).get("/desk")).status_code == 404
    assert 'href="/desk"' not in (await client.get("/home")).text


async def test_the_desk_speaks_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("cafe")
    browser = await _acting(services, client, make, brand, "aino")
    await browser.post("/lang", {"lang": "fi", "next": "/desk"})
    await (await make.person("emma")).status("@cafe onko terassi auki?")
    cid = await _first_row(browser)
    page = text_of((await browser.get(f"/desk/conversations/{cid}")).text)
    assert "Asiakaspalvelu" in page and "Ota itselle" in page and "Lähetä ja ratkaise" in page
