"""Acting as a brand on the web (issue 16, item 1): a staff member signed in as themselves
switches to a brand they serve; every page then acts as the brand (the banner says so),
their posts are the brand's with them recorded as the operator, their role's limits hold with
a page in their language, and removal from the team ends the acting at once."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from porina.accounts import operators
from porina.analytics.models import AnalyticsEvent
from porina.posts.models import Status
from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of


async def _posts(person: Person) -> list[dict[str, Any]]:
    response = await person.get(f"/api/v1/accounts/{person.id}/statuses", params={"limit": 40})
    posts: list[dict[str, Any]] = response.json()
    return posts


async def _switch(browser: Browser, account_id: str) -> httpx.Response:
    return await browser.post("/web/acting", {"account_id": account_id})


async def test_a_manager_switches_to_the_brand_posts_as_it_and_switches_back(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, aino = await make.person("kahvila"), await make.person("aino")
    await appoint(services, brand, aino, "manager")
    await sign_in_as(services, client, aino)
    browser = Browser(client)
    assert "You are acting as" not in (await browser.get("/home")).text

    switched = await _switch(browser, brand.id)
    assert switched.status_code == 303
    home = text_of((await browser.get("/home")).text)
    assert "You are acting as @kahvila (Manager)" in home

    posted = await browser.post(
        "/compose", {"status": "Fresh buns at noon", "visibility": "public"}
    )
    assert posted.status_code == 303, posted.text
    [post] = await _posts(brand)
    assert post["content"] == "<p>Fresh buns at noon</p>"
    assert await _posts(aino) == []
    async with services.db.read() as session:
        row = await session.get(Status, int(post["id"]))
        assert row is not None and row.created_by_user_id == aino.user.id
        operator = await session.scalar(
            select(AnalyticsEvent.operator_user_id).where(
                AnalyticsEvent.name == "post:status:create",
                AnalyticsEvent.target_id == int(post["id"]),
            )
        )
    assert operator == aino.user.id

    await _switch(browser, "")
    assert "You are acting as" not in (await browser.get("/home")).text
    await browser.post("/compose", {"status": "My own lunch", "visibility": "public"})
    assert [p["content"] for p in await _posts(aino)] == ["<p>My own lunch</p>"]


async def test_an_agent_acting_as_the_brand_replies_but_is_refused_the_rest_in_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol, customer = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("asiakas"),
    )
    await appoint(services, brand, carol, "agent")
    question = await customer.status("@kahvila do you have oat milk?")
    await sign_in_as(services, client, carol)
    browser = Browser(client)
    await browser.post("/lang", {"lang": "fi", "next": "/home"})
    assert (await _switch(browser, brand.id)).status_code == 303
    assert "Toimit nyt tilinä @kahvila (Asiakaspalvelija)" in text_of(
        (await browser.get("/home")).text
    )

    top = await browser.post("/compose", {"status": "Oat milk for all", "visibility": "public"})
    assert top.status_code == 403
    assert "Asiakaspalvelija voi julkaista tämän tilin nimissä vain vastauksia" in top.text
    profile = await browser.post("/settings/profile", {"display_name": "Hacked"})
    assert profile.status_code == 403
    assert "Asiakaspalvelija ei voi tehdä tätä brändin tilinä" in profile.text
    password = await browser.post("/settings/password", {"current_password": "x"})
    assert password.status_code == 403
    assert "Tämä sivu koskee omaa tiliäsi" in password.text

    replied = await browser.post(
        "/compose",
        {"status": "@asiakas yes", "visibility": "public", "in_reply_to_id": question["id"]},
    )
    assert replied.status_code == 303, replied.text
    [reply] = await _posts(brand)
    assert reply["in_reply_to_id"] == question["id"]
    assert (await brand.get("/api/v1/accounts/verify_credentials")).json()["display_name"] != (
        "Hacked"
    )


async def test_removal_from_the_team_ends_acting_at_once(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, aino = await make.person("kahvila"), await make.person("aino")
    await appoint(services, brand, aino, "manager")
    await sign_in_as(services, client, aino)
    browser = Browser(client)
    await _switch(browser, brand.id)
    assert "You are acting as @kahvila" in text_of((await browser.get("/home")).text)

    async with services.db.transaction() as tx:
        await operators.remove_operator(tx, brand.account.id, aino.user.id, by_user_id=None)
    assert "You are acting as" not in text_of((await browser.get("/home")).text)
    await browser.post("/compose", {"status": "Still me", "visibility": "public"})
    assert await _posts(brand) == []
    assert [p["content"] for p in await _posts(aino)] == ["<p>Still me</p>"]
    # appointed again, the old session does not resume acting by itself
    await appoint(services, brand, aino, "manager")
    assert "You are acting as" not in text_of((await browser.get("/home")).text)


async def test_an_analyst_or_an_outsider_cannot_switch_to_the_brand(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, ana, mallory = (
        await make.person("kahvila"),
        await make.person("ana"),
        await make.person("mallory"),
    )
    await appoint(services, brand, ana, "analyst")
    await sign_in_as(services, client, ana)
    browser = Browser(client)
    refused = await _switch(browser, brand.id)
    assert refused.status_code == 403
    assert "metrics only, and cannot act as it on the web" in refused.text
    assert "You are acting as" not in (await browser.get("/home")).text

    client.cookies.clear()
    await sign_in_as(services, client, mallory)
    outsider = Browser(client)
    assert (await _switch(outsider, brand.id)).status_code == 404
    await outsider.post("/compose", {"status": "I am the café", "visibility": "public"})
    assert await _posts(brand) == []


async def test_the_acting_as_menu_lists_own_account_and_brands_with_roles(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    cafe, shop, aino = (
        await make.person("kahvila"),
        await make.person("puoti"),
        await make.person("aino"),
    )
    await appoint(services, cafe, aino, "manager")
    await appoint(services, shop, aino, "agent")
    await sign_in_as(services, client, aino)
    browser = Browser(client)
    side = text_of((await browser.get("/web/sidebar")).text)
    assert "Acting as" in side
    assert "@aino" in side and "@kahvila · Manager" in side and "@puoti · Agent" in side
    assert "Act as @kahvila" in side and "Act as @puoti" in side
    await _switch(browser, shop.id)
    side = text_of((await browser.get("/web/sidebar")).text)
    assert "Act as @aino" in side and "Act as @puoti" not in side
