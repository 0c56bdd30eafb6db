"""The desk's web pages (``/desk``, ``/desk/conversations/:id``): staff acting as the brand
see its inbox and conversations and work them with plain forms; another brand's
conversation is a 404, someone on no team is refused, internal notes show nowhere public."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.accounts import operators
from porina.core.clock import aware, back_dated
from porina.desk.models import DeskConversation
from porina.services import Services
from porina.web import i18n
from porina.web.desk_pages import DESK_ERRORS, NOT_A_TIME
from tests.desk.inbox_support import AGENT, BASE, brand_with_agent
from tests.desk.inbox_support import Staff as DeskStaff
from tests.factories import Factory, Person
from tests.operators.support import appoint, operate
from tests.support.world import Isolated, isolated
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
    assert f'<section id="desk-conversation" data-conversation-id="{cid}"' in shown.text
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
    assert "Torkuta" in page and "Huomenna klo 9.00" in page and "Korjaa" in page
    wrong = await browser.post(f"/desk/conversations/{cid}/sentiment", {"item_id": "1"})
    assert wrong.status_code == 422
    assert "Sävyn on oltava jokin näistä" in text_of(wrong.text)


SLA = "/api/porina/v1/desk/sla"


async def _snoozed_until(services: Services, cid: str) -> datetime:
    async with services.db.read() as session:
        found = await session.get(DeskConversation, int(cid))
    assert found is not None and found.status == "snoozed" and found.snooze_until
    return aware(found.snooze_until)


async def _manager_api(services: Services, make: Factory, brand: Person) -> dict[str, str]:
    return await operate(services, brand, await make.person(f"{brand.username}_mari"), "manager")


async def test_snooze_until_a_chosen_time_in_the_brands_time_zone(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("cafe")
    mari = await _manager_api(services, make, brand)
    hours = {"time_zone": "Europe/Helsinki", "weekly": {"mon": [["09:00", "17:00"]]}}
    put = await client.put("/api/porina/v1/desk/business_hours", json=hours, headers=mari)
    assert put.status_code == 200, put.text
    browser = await _acting(services, client, make, brand, "aino")
    await (await make.person("emma")).status("@cafe can I book a table?")
    cid = await _first_row(browser)
    path = f"/desk/conversations/{cid}"
    page = await browser.get(path)
    assert 'type="datetime-local" id="desk-snooze-until"' in page.text
    assert "Snooze until (Europe/Helsinki)" in text_of(page.text)
    assert "Tomorrow 9:00" in page.text and "Next Monday 9:00" in page.text

    zone = ZoneInfo("Europe/Helsinki")
    day = (datetime.now(zone) + timedelta(days=3)).date()
    wanted = datetime(day.year, day.month, day.day, 14, 30)
    chosen = await browser.post(
        path + "/status", {"status": "snoozed", "until": wanted.strftime("%Y-%m-%dT%H:%M")}
    )
    assert chosen.status_code == 303, chosen.text
    assert await _snoozed_until(services, cid) == wanted.replace(tzinfo=zone)
    shown = await browser.get(path + "?done=snoozed")
    assert "The conversation is snoozed." in text_of(shown.text)
    assert 'class="desk-snooze-until"' in shown.text

    monday = await browser.post(path + "/status", {"status": "snoozed", "pick": "monday"})
    assert monday.status_code == 303
    local = (await _snoozed_until(services, cid)).astimezone(zone)
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    # the coming Monday, a week away on a Monday (even before 9:00)
    assert 1 <= (local.date() - datetime.now(zone).date()).days <= 7

    past = await browser.post(path + "/status", {"status": "snoozed", "until": "2001-01-01T09:00"})
    assert past.status_code == 422 and "That did not work" in text_of(past.text)
    nonsense = await browser.post(path + "/status", {"status": "snoozed", "until": "soon"})
    assert nonsense.status_code == 422


async def test_staff_correct_a_messages_sentiment_and_fill_a_saved_reply(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("cafe", display_name="Café Aalto")
    mari = await _manager_api(services, make, brand)
    body = {"shortcut": "thanks", "language": "fi", "body": "Kiitos {{first_name}}! t. {{brand}}"}
    saved = await client.post("/api/porina/v1/desk/saved_replies", json=body, headers=mari)
    assert saved.status_code == 200, saved.text
    browser = await _acting(services, client, make, brand, "aino")
    emma = await make.person("emma", display_name="Emma Virtanen")
    await emma.status("@cafe the coffee was lovely")
    cid = await _first_row(browser)
    path = f"/desk/conversations/{cid}"
    page = await browser.get(path)
    assert 'class="inline desk-sentiment"' in page.text
    item = page.text.split('data-item-id="', 1)[1].split('"', 1)[0]
    corrected = await browser.post(path + "/sentiment", {"item_id": item, "sentiment": "negative"})
    assert corrected.status_code == 303, corrected.text
    detail = (await client.get(f"{BASE}/{cid}", headers=mari)).json()
    assert [i["sentiment"] for i in detail["items"] if i["id"] == item] == ["negative"]
    done = await browser.get(path + "?done=sentiment")
    assert "The sentiment is corrected." in text_of(done.text)
    wrong = await browser.post(path + "/sentiment", {"item_id": item, "sentiment": "furious"})
    assert wrong.status_code == 422

    assert 'id="desk-saved-reply-pick"' in page.text and "thanks (FI)" in page.text
    filled = await browser.get(f"{path}?saved_reply={saved.json()['id']}")
    assert filled.status_code == 200
    reply_box = filled.text.split('id="desk-reply-text"', 1)[1].split("</textarea>", 1)[0]
    assert reply_box.endswith(">Kiitos Emma! t. Café Aalto")
    unknown = await browser.get(f"{path}?saved_reply=12345")
    assert unknown.status_code == 404 and "That did not work" in text_of(unknown.text)


async def test_the_inbox_marks_sla_due_warning_and_breach(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("cafe")
    mari = await _manager_api(services, make, brand)
    target = {"priority": "none", "first_response_seconds": 3600, "warning_percent": 50}
    assert (await client.put(SLA, json={"targets": [target]}, headers=mari)).status_code == 200
    browser = await _acting(services, client, make, brand, "aino")
    fresh, halfway, late = [await make.person(n) for n in ("fresh", "halfway", "late")]
    await fresh.status("@cafe hi")
    with back_dated(timedelta(minutes=40)):
        await halfway.status("@cafe hello?")
    with back_dated(timedelta(minutes=70)):
        await late.status("@cafe anyone?")
    page = await browser.get("/desk?view=all")
    rows = {
        name: chunk
        for chunk in page.text.split('<li class="desk-row item"')[1:]
        for name in ("fresh", "halfway", "late")
        if f">{name}<" in chunk
    }
    assert "SLA: due" in text_of(rows["fresh"]) and "desk-sla-" not in rows["fresh"]
    assert "SLA warning: due" in text_of(rows["halfway"]) and "desk-sla-warning" in rows["halfway"]
    assert "SLA breached: was due" in text_of(rows["late"]) and "desk-sla-breached" in rows["late"]
    await browser.post("/lang", {"lang": "fi", "next": "/desk"})
    finnish = text_of((await browser.get("/desk?view=all")).text)
    assert "Palvelutaso ylitetty" in finnish and "Palvelutason varoitus" in finnish


# --- privacy over the pages (a hypothesis property) -------------------------------------------

PAGE_EXAMPLES = settings(
    max_examples=2 if os.environ.get("PORINA_TEST_DATABASE_URL") else 4,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Op = tuple[str, int, int]
"""(what: a direct message to a brand, a note on its conversation, a contact note or tag;
which customer; which brand)."""
OPS = st.lists(
    st.tuples(
        st.sampled_from(["dm", "note", "contact_note", "tag"]),
        st.integers(0, 1),
        st.integers(0, 1),
    ),
    min_size=1,
    max_size=6,
)
CONTACTS = "/api/porina/v1/desk/contacts"


@dataclass
class Marked:
    """A marker and who may see it on a page: the brand's agents (``brand``), the customer
    who wrote it (``author``; None: nobody besides the agents, or nobody at all)."""

    text: str
    brand: int | None
    author: int | None


async def _write(
    env: Isolated, ops: list[Op], brands: list[DeskStaff], customers: list[Person]
) -> tuple[list[Marked], list[str]]:
    marked: list[Marked] = []
    for n, (what, who, which) in enumerate(ops):
        desk, customer = brands[which], customers[who]
        marker = f"zqmark{which}x{who}x{n}"
        if what == "dm":
            handle = desk.brand.account.username
            await customer.status(f"@{handle} {marker}", visibility="direct")
            marked.append(Marked(marker, which, who))
            continue
        open_ = {c["contact"]["id"]: c["id"] for c in await desk.conversations(view="all")}
        if customer.id not in open_:
            continue
        if what == "note":
            done = await desk.post(f"{BASE}/{open_[customer.id]}/notes", json={"text": marker})
            marked.append(Marked(marker, which, None))
        elif what == "contact_note":
            done = await desk.post(f"{CONTACTS}/{customer.id}/notes", json={"text": marker})
            marked.append(Marked(marker, None, None))
        else:
            done = await desk.client.put(
                f"{CONTACTS}/{customer.id}/tags", headers=desk.headers, json={"tags": [marker]}
            )
            marked.append(Marked(marker, None, None))
        assert done.status_code == 200, done.text
    cids = [c["id"] for desk in brands for c in await desk.conversations(view="all")]
    return marked, cids


async def _pages(
    env: Isolated, reader: Person | None, acting: Person | None, paths: list[str]
) -> str:
    env.client.cookies.clear()
    if reader is not None:
        await sign_in_as(env.services, env.client, reader)
    browser = Browser(env.client)
    if acting is not None:
        assert (await browser.post("/web/acting", {"account_id": acting.id})).status_code == 303
    return "".join([(await browser.get(path)).text for path in paths])


async def _check_pages(env: Isolated, ops: list[Op]) -> None:
    brands = [
        await brand_with_agent(env.services, env.make, "cafe"),
        await brand_with_agent(env.services, env.make, "bakery"),
    ]
    analyst = await operate_person(env, brands[0].brand, "cafe_nea", "analyst")
    customers = [await env.make.person("emma"), await env.make.person("olli")]
    marked, cids = await _write(env, ops, brands, customers)
    people = ["cafe", "bakery", "emma", "olli"]
    paths = ["/home", "/notifications", "/conversations", "/desk?view=all"]
    paths += [f"/@{name}/with_replies" for name in people]
    paths += [f"/desk/conversations/{cid}" for cid in cids]
    paths += ["/desk?view=all&status=resolved"]

    def hidden(seen: str, *, brand: int | None = None, author: int | None = None) -> None:
        """No marker in ``seen`` but those of ``brand``'s team or written by ``author``."""
        leaked = [
            m.text
            for m in marked
            if m.text in seen
            and not (brand is not None and m.brand == brand)
            and not (author is not None and m.author == author)
        ]
        assert not leaked, leaked

    hidden(await _pages(env, None, None, paths))
    for who, customer in enumerate(customers):
        hidden(await _pages(env, customer, None, paths), author=who)
    hidden(await _pages(env, analyst, None, paths))  # the web lets no analyst act as the brand
    for which, desk in enumerate(brands):
        seen = await _pages(env, desk.person, desk.brand, paths)
        hidden(seen, brand=which)
        assert all(m.text in seen for m in marked if m.brand == which)  # the team does see


async def operate_person(env: Isolated, brand: Person, name: str, role: str) -> Person:
    person = await env.make.person(name)
    await appoint(env.services, brand, person, cast(operators.Role, role))
    return person


def test_notes_contacts_and_other_brands_conversations_stay_off_every_page(
    template: Path | str,
) -> None:
    """Over random direct messages to two brands, internal notes, contact notes and tags:
    no page (the desk's, profiles, status lists, notifications, DMs) rendered for anyone
    anonymous, a customer, an analyst or the other brand's agent shows a marker it must not;
    the brand's own agent sees its notes and messages."""
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @PAGE_EXAMPLES
        @given(OPS)
        def prop(ops: list[Op]) -> None:
            async def go() -> None:
                await env.reset()
                await _check_pages(env, ops)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()


def test_every_desk_refusal_and_the_rule_actor_have_finnish() -> None:
    i18n.activate("fi")
    try:
        untranslated = [m for m in DESK_ERRORS if i18n._(m) == m]
        assert i18n._(NOT_A_TIME) != NOT_A_TIME
        assert i18n._("Rule “%(name)s”") % {"name": "VIP"} == "Sääntö ”VIP”"
    finally:
        i18n.activate(i18n.DEFAULT)
    assert not untranslated
    assert "Validation failed: sentiment must be one of positive, neutral, negative" in DESK_ERRORS
