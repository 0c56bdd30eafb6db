"""The desk rules page (``/settings/desk/rules``): a manager acting as the brand lists, adds,
reorders, turns off and deletes rules, in English and Finnish; an agent reads them but the
page offers and allows no change."""

from __future__ import annotations

from typing import cast

import httpx
from sqlalchemy import select

from porina.accounts import operators
from porina.accounts.models import User
from porina.core.actor import Actor
from porina.desk import rules
from porina.desk.rules_models import DeskRule
from porina.services import Services
from tests.factories import Factory
from tests.operators.support import appoint
from tests.web.conftest import Browser, sign_in_as, text_of

PAGE = "/settings/desk/rules"


async def _acting(
    services: Services, client: httpx.AsyncClient, make: Factory, role: str
) -> tuple[Browser, int]:
    brand, person = await make.person("kahvila"), await make.person(f"kahvila_{role}")
    await appoint(services, brand, person, cast(operators.Role, role))
    await sign_in_as(services, client, person)
    browser = Browser(client)
    switched = await browser.post("/web/acting", {"account_id": brand.id})
    assert switched.status_code == 303, switched.text
    return browser, brand.account.id


async def _names(services: Services, brand_id: int) -> list[tuple[str, int, bool]]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(DeskRule)
            .where(DeskRule.brand_account_id == brand_id)
            .order_by(DeskRule.position)
        )
        return [(r.name, r.position, r.enabled) for r in rows]


async def test_a_manager_adds_reorders_turns_off_and_deletes_rules(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    browser, brand_id = await _acting(services, client, make, "manager")
    page = await browser.get(PAGE)
    assert page.status_code == 200, page.text
    assert "No rules yet." in text_of(page.text)
    assert 'href="/settings/desk/rules" aria-current="page"' in page.text
    for name, keywords in (("Refunds", "refund, palaut*"), ("Allergies", "gluten*")):
        saved = await browser.post(
            PAGE,
            {
                "name": name,
                "channels": ["mention", "direct"],
                "keywords": keywords,
                "sentiments": "negative",
                "assign": "round_robin",
                "add_labels": "billing",
                "priority": "high",
                "reply": "Thanks {{first_name}}!",
            },
        )
        assert saved.status_code == 303, saved.text
    shown = text_of((await browser.get(PAGE + "?done=saved")).text)
    assert "The rule is saved." in shown
    assert "Refunds" in shown and "palaut*" in shown and "assign in turns" in shown
    assert await _names(services, brand_id) == [("Refunds", 1, True), ("Allergies", 2, True)]
    second = (await _names_ids(services, brand_id))[1]
    assert (await browser.post(f"{PAGE}/{second}/up")).status_code == 303
    assert (await browser.post(f"{PAGE}/{second}/toggle")).status_code == 303
    assert await _names(services, brand_id) == [("Allergies", 1, False), ("Refunds", 2, True)]
    refused = await browser.post(PAGE, {"name": "Broken", "priority": "asap"})
    assert refused.status_code == 422
    assert "actions.priority" in text_of(refused.text)
    assert (await browser.post(f"{PAGE}/{second}/delete")).status_code == 303
    assert await _names(services, brand_id) == [("Refunds", 1, True)]
    await browser.post("/lang", {"lang": "fi", "next": PAGE})
    finnish = text_of((await browser.get(PAGE)).text)
    assert "Asiakaspalvelun säännöt" in finnish
    assert "Uusi sääntö" in finnish and "jaa vuorotellen" in finnish


async def _names_ids(services: Services, brand_id: int) -> list[int]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(DeskRule.id)
            .where(DeskRule.brand_account_id == brand_id)
            .order_by(DeskRule.position)
        )
        return list(rows)


async def test_an_agent_reads_the_rules_but_cannot_change_them(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    browser, brand_id = await _acting(services, client, make, "agent")
    async with services.db.transaction() as tx:
        owner = await tx.session.scalar(select(User.id).where(User.account_id == brand_id))
        await rules.create(
            tx, Actor(brand_id, owner), {"name": "Night", "actions": {"resolve": True}}
        )
    page = await browser.get(PAGE)
    assert page.status_code == 200, page.text
    shown = text_of(page.text)
    assert "Night" in shown and "New rule" not in shown
    refused = await browser.post(PAGE, {"name": "Mine", "resolve": "1"})
    assert refused.status_code == 403
    assert await _names(services, brand_id) == [("Night", 1, True)]


async def test_a_refusal_with_what_was_sent_is_in_finnish_on_the_page(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    """The rule's automatic reply names a variable the desk does not know: the Finnish page
    says so in Finnish with the variable in it."""
    browser, _ = await _acting(services, client, make, "manager")
    await browser.post("/lang", {"lang": "fi", "next": PAGE})
    refused = await browser.post(PAGE, {"name": "Tervehdys", "reply": "Hei {{etunimi}}!"})
    assert refused.status_code == 422
    shown = text_of(refused.text)
    assert "Automaattisessa vastauksessa on tuntematon muuttuja {{etunimi}}" in shown
    assert "unknown variable" not in shown
