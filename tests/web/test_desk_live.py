"""The desk's live web parts: presence on the conversation page ("Aino is viewing", the
soft lock's warning in the reply form, EN and FI), the page's heartbeat, the fragments the
live pages refresh, and ``/web/desk/stream``: who is let on, what it sends (ids for changes,
presence words for the page's conversation only) and that it ends for someone removed from
the team."""

from __future__ import annotations

import json

import httpx

from porina.accounts import operators
from porina.core.errors import Forbidden, NotFound
from porina.desk import presence
from porina.services import Services
from porina.web import i18n
from porina.web.common import Me
from porina.web.desk_stream import ENDED, DeskReader, admit, paint
from tests.desk.inbox_support import AGENT, BASE, Staff, brand_with_agent, staff
from tests.factories import Factory, Person
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of

TYPING_EN = "aino is typing a reply. You can still send yours, but they may cross."


async def _world(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> tuple[Staff, Person, Browser, str]:
    """Aino (a token acting as the cafe), Olli (a web session acting as it), Emma's
    conversation."""
    aino = await brand_with_agent(services, make)
    await make.client.patch(
        "/api/v1/accounts/update_credentials",
        json={"display_name": "aino"},
        headers=aino.person.headers,
    )
    olli = await make.person("olli")
    await appoint(services, aino.brand, olli, AGENT)
    await sign_in_as(services, client, olli)
    browser = Browser(client)
    switched = await browser.post("/web/acting", {"account_id": aino.brand.id})
    assert switched.status_code == 303, switched.text
    await (await make.person("emma")).status("@cafe is the terrace open?")
    cid = str((await aino.conversations(view="all"))[0]["id"])
    return aino, olli, browser, cid


async def test_the_page_shows_who_else_is_here_and_warns_while_they_type(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, _olli, browser, cid = await _world(services, client, make)
    path = f"/desk/conversations/{cid}"
    quiet = await browser.get(path)
    assert 'id="desk-typing-warning" class="desk-typing-warning" role="status" hidden' in quiet.text

    await aino.post(f"{BASE}/{cid}/presence", json={"state": "viewing"})
    assert "aino is viewing" in text_of((await browser.get(path)).text)

    await aino.post(f"{BASE}/{cid}/presence", json={"state": "typing"})
    page = await browser.get(path)
    assert "aino is typing a reply" in text_of(page.text)
    assert 'role="status" hidden' not in page.text and TYPING_EN in text_of(page.text)
    sent = await browser.post(path + "/reply", {"text": "Yes, until 18!", "visibility": "public"})
    assert sent.status_code == 303  # a warning, not a lock

    await browser.post("/lang", {"lang": "fi", "next": path})
    finnish = text_of((await browser.get(path)).text)
    assert "aino kirjoittaa vastausta" in finnish
    assert "Voit silti lähettää omasi" in finnish


async def test_the_page_heartbeat_announces_and_leaves(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, olli, browser, cid = await _world(services, client, make)
    path = f"/desk/conversations/{cid}/presence"
    csrf = {"x-csrftoken": browser.token() or await _token(browser)}
    typed = await client.post(path, data={"state": "typing"}, headers=csrf)
    assert typed.status_code == 204, typed.text
    seen = (await aino.conversation(cid))["viewers"]
    assert [(v["account"]["acct"], v["state"]) for v in seen] == [("olli", "typing")]
    assert (await client.post(path, data={"state": "asleep"}, headers=csrf)).status_code == 422
    assert (await client.delete(path, headers=csrf)).status_code == 204
    assert (await aino.conversation(cid))["viewers"] == []
    assert (await client.post(path, data={"state": "viewing"})).status_code == 403  # no CSRF

    # as herself (not acting as the brand) the desk has no conversation for her
    await browser.post("/web/acting", {"account_id": ""})
    assert (await client.post(path, data={}, headers=csrf)).status_code == 404
    assert olli.account.username == "olli"


async def _token(browser: Browser) -> str:
    await browser.get("/about")
    return browser.token()


async def test_the_live_fragments_are_the_list_and_the_conversations_items(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, _olli, browser, cid = await _world(services, client, make)
    await aino.post(f"{BASE}/{cid}/notes", json={"text": "She asked last week too"})
    htmx = {"hx-request": "true"}
    listed = await browser.get("/desk?view=all", headers=htmx)
    assert '<ol id="desk-list"' in listed.text and "<html" not in listed.text
    assert f'data-conversation-id="{cid}"' in listed.text
    part = await browser.get(f"/desk/conversations/{cid}", headers=htmx)
    assert part.status_code == 200 and "<html" not in part.text
    assert 'id="desk-meta"' in part.text and '<ol id="desk-items"' in part.text
    assert "She asked last week too" in part.text  # the team's own page: notes shown
    assert 'id="desk-reply"' not in part.text


def _me(person: Person, brand: Person, role: str | None = "agent") -> Me:
    return Me(person.user, brand.account, own=person.account, role=role)


async def test_the_desk_stream_lets_on_only_working_staff_of_the_brand(
    services: Services, make: Factory
) -> None:
    aino = await brand_with_agent(services, make)
    analyst = await staff(services, make, aino.brand, "cafe_numbers", "analyst")
    bakery = await brand_with_agent(services, make, "bakery")
    emma = await make.person("emma")
    await emma.status("@cafe hello?")
    cid = str((await aino.conversations(view="all"))[0]["id"])
    db = services.db
    reader = await admit(db, _me(aino.person, aino.brand), cid)
    assert (reader.brand_id, reader.conversation_id) == (aino.brand.account.id, int(cid))
    refusals: list[tuple[Me, str | None, type[Exception]]] = [
        (_me(analyst.person, aino.brand, "analyst"), None, Forbidden),
        (_me(bakery.person, aino.brand), None, NotFound),  # not on the cafe's team
        (_me(bakery.person, bakery.brand), cid, NotFound),  # the cafe's conversation
        (Me(emma.user, emma.account), None, NotFound),  # herself
        (_me(aino.person, aino.brand), "nonsense", NotFound),
    ]
    for me, conversation, refusal in refusals:
        try:
            await admit(db, me, conversation)
        except refusal:
            continue
        raise AssertionError(f"{me.user.id} was let on")


async def test_the_desk_stream_sends_ids_and_presence_words_and_ends_on_removal(
    services: Services, make: Factory
) -> None:
    aino = await brand_with_agent(services, make)
    olli = await staff(services, make, aino.brand, "cafe_olli")
    await (await make.person("emma")).status("@cafe hello?")
    cid = int((await aino.conversations(view="all"))[0]["id"])
    db = services.db
    page = DeskReader(olli.person.user.id, aino.brand.account.id, "fi", cid)
    inbox = DeskReader(olli.person.user.id, aino.brand.account.id, "en", None)
    changed = {"event": "desk.conversation", "conversation_id": str(cid)}
    assert await paint(db, page, changed) == (
        "desk.conversation",
        json.dumps({"conversation_id": str(cid)}),
    )
    entries = [
        presence.Entry(aino.person.user.id, "typing", 1, 2),
        presence.Entry(olli.person.user.id, "viewing", 1, 2),
    ]
    message = presence.message(cid, entries)
    event, data = await paint(db, page, message) or ("", "")
    body = json.loads(data)
    name = aino.person.account.display_name or "cafe_aino"
    assert event == "desk.presence" and body["line"] == f"{name} kirjoittaa vastausta"
    assert body["typing"].startswith(f"{name} kirjoittaa vastausta. Voit silti")
    assert "cafe_olli" not in data  # not the reader themself
    assert await paint(db, inbox, message) is None  # presence only on its conversation's page
    other = presence.message(cid + 1, entries)
    assert await paint(db, page, other) is None

    async with db.transaction() as tx:
        await operators.remove_operator(
            tx, aino.brand.account.id, olli.person.user.id, by_user_id=None
        )
    assert await paint(db, page, changed) == ENDED
    i18n.activate(i18n.DEFAULT)


async def test_the_stream_route_refuses_outsiders(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    stranger = await make.person("stranger")
    await sign_in_as(services, client, stranger)
    assert (await Browser(client).get("/web/desk/stream")).status_code == 404
    client.cookies.clear()
    anonymous = await client.get("/web/desk/stream", follow_redirects=False)
    assert anonymous.status_code in {302, 303, 401}
