"""The team page (``/settings/team``): a manager sees each operator with a remove button and
can add one; removing signs the person out of the brand at once; a member who does not
manage the team sees only their own role; the page speaks Finnish."""

from __future__ import annotations

import httpx

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import Browser, sign_in_as, text_of

from .support import appoint, operate, team_path

ME = "/api/v1/accounts/verify_credentials"


async def test_the_brand_sees_its_team_and_removes_an_operator_whose_token_then_fails(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, alice, carol = (
        await make.person("kahvila"),
        await make.person("alice"),
        await make.person("carol"),
    )
    await appoint(services, brand, alice, "admin")
    headers = await operate(services, brand, carol, "responder")
    assert (await client.get(ME, headers=headers)).status_code == 200  # cached by the process
    await sign_in_as(services, client, brand)
    browser = Browser(client)

    page = await browser.get("/settings/team")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "@alice Manager" in shown and "@carol Agent" in shown
    assert "Remove @carol" in shown and "Remove @kahvila" not in shown

    removed = await browser.post(
        f"/settings/team/{brand.id}/remove", {"user_id": str(carol.user.id)}
    )
    assert removed.status_code == 303
    assert removed.headers["location"] == "/settings/team?done=removed"
    assert (await client.get(ME, headers=headers)).status_code == 401
    after = text_of((await browser.get("/settings/team?done=removed")).text)
    assert "signed out of the account everywhere" in after
    assert "@carol" not in after and "@alice Manager" in after


async def test_an_admin_adds_an_operator_from_the_team_page(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, alice = await make.person("kahvila"), await make.person("alice")
    await make.person("bob")
    await appoint(services, brand, alice, "admin")
    await sign_in_as(services, client, alice)
    browser = Browser(client)
    added = await browser.post(
        f"/settings/team/{brand.id}/add", {"username": "@bob", "role": "agent"}
    )
    assert added.status_code == 303, added.text
    listed = (await brand.get(team_path(brand))).json()
    assert [(o["username"], o["role"], o["added_by"]) for o in listed][2] == (
        "bob",
        "agent",
        "alice",
    )
    page = text_of((await browser.get("/settings/team")).text)
    assert "@kahvila" in page and "Your role: Manager" in page and "@bob Agent" in page


async def test_a_member_who_does_not_manage_sees_no_team_and_cannot_remove(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, eve, carol = (
        await make.person("kahvila"),
        await make.person("eve"),
        await make.person("carol"),
    )
    await appoint(services, brand, eve, "agent")
    await appoint(services, brand, carol, "responder")
    await sign_in_as(services, client, eve)
    browser = Browser(client)
    page = text_of((await browser.get("/settings/team")).text)
    assert "@kahvila" in page and "Your role: Agent" in page
    assert "@carol" not in page  # the team list is for owners and admins
    refused = await browser.post(
        f"/settings/team/{brand.id}/remove", {"user_id": str(carol.user.id)}
    )
    assert refused.status_code == 403
    assert "owners and managers" in refused.text
    names = [o["username"] for o in (await brand.get(team_path(brand))).json()]
    assert names == ["kahvila", "eve", "carol"]


async def test_a_stranger_cannot_remove_anyone_from_a_team(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol, mallory = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("mallory"),
    )
    await appoint(services, brand, carol, "responder")
    await sign_in_as(services, client, mallory)
    browser = Browser(client)
    refused = await browser.post(
        f"/settings/team/{brand.id}/remove", {"user_id": str(carol.user.id)}
    )
    assert refused.status_code == 404
    assert "@carol" not in refused.text
    no_csrf = await client.post(
        f"/settings/team/{brand.id}/remove",
        data={"user_id": str(carol.user.id)},
        headers={"accept": "text/html"},
    )
    assert no_csrf.status_code == 403
    assert len((await brand.get(team_path(brand))).json()) == 2


async def test_the_team_page_speaks_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol = await make.person("kahvila", locale="fi"), await make.person("carol")
    await appoint(services, brand, carol, "responder")
    await sign_in_as(services, client, brand)
    page = text_of((await Browser(client).get("/settings/team")).text)
    assert "Tiimi" in page and "Poista @carol" in page and "Asiakaspalvelija" in page
