"""The team's audit log and brand tokens through the API (issue 16, item 1): staff actions
taken as a brand (with a brand token or on the web) and team changes are recorded with who,
as which brand, what and on what; a person's own actions are not; owners and managers read
the log, other members get a 403 and outsiders a 404, in Mastodon's error shape. A staff
member gets a token acting as the brand with their own token."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import appoint, operate, team_path
from tests.web.conftest import Browser, sign_in_as, text_of


def audit_path(brand: Person) -> str:
    return f"/api/v1/porina/accounts/{brand.id}/audit"


def _lines(entries: list[dict[str, Any]]) -> list[tuple[str | None, str, str | None]]:
    return [(e["username"], e["action"], e["target_type"]) for e in entries]


async def test_staff_actions_as_the_brand_and_team_changes_are_in_the_log(
    services: Services, make: Factory
) -> None:
    brand, aino, carol, customer = (
        await make.person("kahvila"),
        await make.person("aino"),
        await make.person("carol"),
        await make.person("asiakas"),
    )
    await appoint(services, brand, aino, "manager")
    question = await customer.status("@kahvila open on sunday?")
    await brand.status("The brand's own login posts")  # not staff acting: not recorded
    await aino.status("Aino's own post")  # Aino as herself: not recorded
    headers = await operate(services, brand, carol, "agent")
    carol_as_brand = await aino.client.post(
        "/api/v1/statuses",
        json={"status": "@asiakas yes, 10-16", "in_reply_to_id": question["id"]},
        headers=headers,
    )
    assert carol_as_brand.status_code == 200, carol_as_brand.text
    liked = await aino.client.post(f"/api/v1/statuses/{question['id']}/favourite", headers=headers)
    assert liked.status_code == 200
    await aino.delete(team_path(brand, carol))

    log = await aino.get(audit_path(brand))
    assert log.status_code == 200, log.text
    entries = log.json()
    assert _lines(entries) == [
        ("aino", "OperatorRemoved", "user"),
        ("carol", "Favourited", "status"),
        ("carol", "StatusCreated", "status"),
        (None, "OperatorAdded", "user"),  # the CLI's appointment of Carol
        (None, "OperatorAdded", "user"),  # and of Aino
    ]
    assert entries[0]["detail"]["role"] == "agent"
    assert entries[0]["target_id"] == str(carol.user.id)
    assert entries[2]["target_id"] == carol_as_brand.json()["id"]
    assert entries[2]["account_id"] == brand.id
    assert (await aino.get(audit_path(aino))).json() == []


async def test_the_log_pages_with_link_headers(services: Services, make: Factory) -> None:
    brand, aino = await make.person("kahvila"), await make.person("aino")
    headers = await operate(services, brand, aino, "manager")
    for n in range(3):
        posted = await aino.client.post(
            "/api/v1/statuses", json={"status": f"post {n}"}, headers=headers
        )
        assert posted.status_code == 200
    first = await brand.get(audit_path(brand), params={"limit": 2})
    assert [e["action"] for e in first.json()] == ["StatusCreated", "StatusCreated"]
    assert 'rel="next"' in first.headers["link"]
    oldest = first.json()[-1]["id"]
    second = await brand.get(audit_path(brand), params={"limit": 2, "max_id": oldest})
    assert [e["action"] for e in second.json()] == ["StatusCreated", "OperatorAdded"]


async def test_only_owners_and_managers_read_the_log(services: Services, make: Factory) -> None:
    brand, agent, analyst, mallory = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("ana"),
        await make.person("mallory"),
    )
    await appoint(services, brand, agent, "agent")
    await appoint(services, brand, analyst, "analyst")
    for member in (agent, analyst):
        refused = await member.get(audit_path(brand))
        assert refused.status_code == 403
        assert refused.json() == {
            "error": "Only the account's owners and managers can manage its team"
        }
    hidden = await mallory.get(audit_path(brand))
    assert hidden.status_code == 404
    assert set(hidden.json()) == {"error"}
    assert (await brand.client.get(audit_path(brand))).status_code == 401


async def test_a_staff_member_gets_a_brand_token_with_their_own_token(
    services: Services, make: Factory
) -> None:
    brand, carol, mallory = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("mallory"),
    )
    await appoint(services, brand, carol, "responder")  # an old name: an agent
    issued = await carol.post(team_path(brand) + "/token")
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert body["role"] == "agent" and body["account_id"] == brand.id
    assert "write:statuses" in body["scope"] and "write:accounts" not in body["scope"]
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    me = await carol.client.get("/api/v1/accounts/verify_credentials", headers=bearer)
    assert me.json()["username"] == "kahvila"
    top = await carol.client.post("/api/v1/statuses", json={"status": "hi"}, headers=bearer)
    assert top.status_code == 403
    assert (await mallory.post(team_path(brand) + "/token")).status_code == 404


async def test_web_actions_as_the_brand_are_logged_and_the_page_is_for_managers(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, aino, carol = (
        await make.person("kahvila"),
        await make.person("aino"),
        await make.person("carol"),
    )
    await appoint(services, brand, aino, "manager")
    await appoint(services, brand, carol, "agent")
    await sign_in_as(services, client, aino)
    browser = Browser(client)
    await browser.post("/web/acting", {"account_id": brand.id})
    await browser.post("/compose", {"status": "Soup of the day", "visibility": "public"})
    await browser.post("/lang", {"lang": "fi", "next": "/home"})
    page = await browser.get(f"/settings/team/{brand.id}/audit")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Tapahtumaloki" in shown and "@aino Julkaisi" in shown

    client.cookies.clear()
    await sign_in_as(services, client, carol)
    refused = await Browser(client).get(f"/settings/team/{brand.id}/audit")
    assert refused.status_code == 403
