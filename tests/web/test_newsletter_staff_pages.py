"""The newsletter's staff pages (issue 19, points 1 and 6): an account's own login (its owner)
creates and edits a list, sees its subscribers counted by state, filters and searches them,
imports and exports CSV through the page, edits the brand's privacy statement, which the
public brand page and a list without its own statement show; another person's list is 404."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services
from tests.factories import Factory
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of


async def test_staff_create_a_list_import_filter_search_and_export(
    make: Factory, signed_in: Any
) -> None:
    kahvila, other = await make.person("kahvila"), await make.person("mallory")
    browser = await signed_in(kahvila)
    assert "No lists yet" in text_of((await browser.get("/newsletter")).text)

    bad = await browser.post("/newsletter/lists", {"name": " ", "frequency": "weekly"})
    assert bad.status_code == 422 and "name can&#39;t be blank" in bad.text
    made = await browser.post(
        "/newsletter/lists",
        {"name": "Kahvilan kirje", "frequency": "1\u20134 mails a week", "double_opt_in": "1"},
    )
    assert made.status_code == 303, made.text
    edit = made.headers["location"].split("?")[0]
    list_id = edit.rsplit("/", 1)[1]
    page = await browser.get(made.headers["location"])
    assert "The list is created." in page.text
    snippet = f"&lt;iframe src=&#34;http://testserver.local/newsletter/{list_id}/embed&#34;"
    assert page.text.count(snippet) == 2  # the snippet to copy: shown, and on the copy button

    saved = await browser.post(edit, {"name": "Kahvilan viikkokirje", "frequency": "weekly"})
    assert saved.status_code == 303
    page = await browser.get(edit)
    assert 'value="Kahvilan viikkokirje"' in page.text
    assert 'id="nl-double" name="double_opt_in" value="1">' in page.text  # single opt-in now

    csv = "email,name,status\naino@example.com,Aino,confirmed\nbob@example.com,Bob,unsubscribed\n"
    imported = await browser.post(f"{edit}/subscribers/import", {"csv": csv})
    assert imported.status_code == 303
    words = text_of((await browser.get(imported.headers["location"])).text)
    assert "2 addresses were added." in words and "aino@example.com" in words

    overview = text_of((await browser.get("/newsletter")).text)
    assert "Kahvilan viikkokirje" in overview and "Single opt-in" in overview
    only = text_of((await browser.get(f"{edit}/subscribers?status=unsubscribed")).text)
    assert "bob@example.com" in only and "aino@example.com" not in only
    found = text_of((await browser.get(f"{edit}/subscribers?q=AINO")).text)
    assert "aino@example.com" in found and "bob@example.com" not in found

    export = await browser.get(f"{edit}/subscribers.csv")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert export.text.splitlines()[0].startswith("email,name,status")
    assert len(export.text.splitlines()) == 3

    line = await browser.post(f"{edit}/subscribers/import", {"csv": "email\nnot-an-address\n"})
    assert line.status_code == 422 and "line 2" in line.text

    intruder = await signed_in(other)
    assert (await intruder.get(edit)).status_code == 404
    assert (await intruder.get(f"{edit}/subscribers.csv")).status_code == 404


async def test_the_brands_privacy_statement_serves_lists_without_their_own(
    make: Factory, signed_in: Any
) -> None:
    kahvila = await make.person("kahvila")
    browser = await signed_in(kahvila)
    made = await browser.post("/newsletter/lists", {"name": "Kirje"})
    list_id = made.headers["location"].split("?")[0].rsplit("/", 1)[1]
    statement = {
        "text_en": "Kahvila keeps your address.",
        "text_fi": "Kahvila säilyttää osoitteen.",
    }
    saved = await browser.post("/newsletter/privacy", statement)
    assert saved.status_code == 303
    assert "The privacy statement is saved." in (await browser.get(saved.headers["location"])).text

    make.client.cookies.clear()  # the public pages, signed out
    public = text_of((await make.client.get("/newsletter/privacy/kahvila")).text)
    assert "Kahvila keeps your address." in public and "Kirje" in public
    finnish = await make.client.get(
        "/newsletter/privacy/kahvila", headers={"accept-language": "fi"}
    )
    assert "Kahvila säilyttää osoitteen." in finnish.text
    listed = await make.client.get(f"/newsletter/{list_id}/privacy")
    assert "Kahvila keeps your address." in listed.text
    assert 'href="/newsletter/privacy/kahvila"' in listed.text
    assert (await make.client.get("/newsletter/privacy/nobody")).status_code == 404


async def test_a_manager_acting_as_the_brand_runs_it_and_an_agent_is_refused(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, mari, olli = [await make.person(n) for n in ("kahvila", "mari", "olli")]
    await appoint(services, brand, mari, "manager")
    await appoint(services, brand, olli, "agent")
    await sign_in_as(services, client, mari)
    manager = Browser(client)
    assert (await manager.post("/web/acting", {"account_id": brand.id})).status_code == 303
    home = await manager.get("/home")
    assert 'href="/newsletter"' in home.text  # the navigation while acting as manager
    made = await manager.post("/newsletter/lists", {"name": "Kahvilan kirje"})
    assert made.status_code == 303
    assert "Kahvilan kirje" in text_of((await manager.get("/newsletter")).text)

    client.cookies.clear()
    await sign_in_as(services, client, olli)
    agent = Browser(client)
    assert (await agent.post("/web/acting", {"account_id": brand.id})).status_code == 303
    assert 'href="/newsletter"' not in (await agent.get("/home")).text
    assert (await agent.get("/newsletter/lists/new")).status_code == 403
    assert (await agent.get(made.headers["location"].split("?")[0])).status_code == 403
