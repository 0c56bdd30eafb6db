"""The contest page for winners and the brand's staff, without JavaScript (issue 18, point 3):
a winner claims with the page's button (in their language), someone else is refused with a
readable message, and the brand's manager records a claim and edits and publishes the
results reply; nobody else sees the draft."""

from __future__ import annotations

import httpx

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import HTML, Browser, sign_in_as, text_of

from .test_winners import drawn_world, person_of


async def test_a_winner_claims_on_the_page_and_others_are_refused(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    _, _, people, _, closed = await drawn_world(services, make)
    page = f"/contests/{closed['id']}"
    pseudonym = (
        await people["carol"].get(f"/api/porina/v1/contests/{closed['id']}/my_entry")
    ).json()["listed_as"]
    won = [person_of(w["acct"], people, pseudonym) for w in closed["winners"]]
    winner = next(n for n in won if n != "bob")  # bob reads Finnish (below, as a winner)
    loser = next(n for n in people if n not in won)
    browser = Browser(client)
    await sign_in_as(services, client, people[loser])
    assert "Claim my prize" not in text_of((await browser.get(page)).text)
    refused = await browser.post(f"{page}/claim")
    assert refused.status_code == 422
    expected = {"bob": "sinulla ei ole lunastettavaa palkintoa"}  # bob reads Finnish
    assert expected.get(loser, "you have no prize to claim in this contest") in text_of(
        refused.text
    )
    client.cookies.clear()
    await sign_in_as(services, client, await make.person("ulkopuolinen", locale="fi"))
    fi = await browser.post(f"{page}/claim")
    assert fi.status_code == 422
    assert "sinulla ei ole lunastettavaa palkintoa tässä arvonnassa" in text_of(fi.text)
    if "bob" in won:  # a winner whose language is Finnish
        client.cookies.clear()
        await sign_in_as(services, client, people["bob"])
        shown = text_of((await browser.get(page)).text)
        assert "Voitit! Lunasta palkintosi viimeistään" in shown and "Lunasta palkinto" in shown

    client.cookies.clear()
    await sign_in_as(services, client, people[winner])
    shown = text_of((await browser.get(page)).text)
    assert "You won! Claim your prize by" in shown and "Claim my prize" in shown
    done = await browser.post(f"{page}/claim")
    assert done.status_code == 303
    after = text_of((await browser.get(done.headers["location"])).text)
    assert "Your prize is claimed." in after
    assert "You won, and your prize is claimed." in after
    assert "Claim my prize" not in after and "Results reply" not in after


async def test_the_manager_records_a_claim_and_publishes_the_results_reply(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, manager, _, post_id, closed = await drawn_world(services, make)
    page = f"/contests/{closed['id']}"
    assert "Results reply" not in text_of((await client.get(page, headers=HTML)).text)
    browser = Browser(client)
    await sign_in_as(services, client, manager.person)
    assert "Results reply" not in text_of((await browser.get(page)).text)  # not acting
    assert (await browser.post("/web/acting", {"account_id": brand.account.id})).status_code == 303
    shown = (await browser.get(page)).text
    assert "Results reply" in text_of(shown) and "The winners of “Joulukahvit” are drawn!" in shown

    acct = closed["winners"][0]["acct"]
    marked = await browser.post(f"{page}/claims", {"acct": acct})
    assert marked.status_code == 303
    assert "The claim is recorded." in text_of((await browser.get(marked.headers["location"])).text)

    blank = await browser.post(f"{page}/results", {"text": "   "})
    assert blank.status_code == 422 and "text must be 1 to 5000" in text_of(blank.text)
    saved = await browser.post(f"{page}/results", {"text": "Onnea voittajille! Kiitos kaikille."})
    assert saved.status_code == 303
    assert "Onnea voittajille! Kiitos kaikille." in (await browser.get(page)).text
    published = await browser.post(
        f"{page}/results/publish", {"text": "Onnea voittajille! Kiitos kaikille."}
    )
    assert published.status_code == 303
    after = text_of((await browser.get(published.headers["location"])).text)
    assert "Published as the brand's reply to the contest post." in after
    again = await browser.post(f"{page}/results/publish", {"text": "twice"})
    assert again.status_code == 422
    thread = (await client.get(f"/api/v1/statuses/{post_id}/context")).json()
    assert [s["content"] for s in thread["descendants"] if "Onnea" in s["content"]]
