"""The brand's privacy statement through the API (issue 19, point 1): anyone reads it, the
brand's owner or manager replaces it, and the public page shows what the API saved."""

from __future__ import annotations

from porina.services import Services
from tests.desk.inbox_support import staff
from tests.factories import Factory
from tests.newsletter.campaign_support import manager_of, ok


def path(account_id: object) -> str:
    return f"/api/porina/v1/newsletter/brands/{account_id}/privacy"


async def test_the_brands_manager_writes_the_statement_and_anyone_reads_it(
    services: Services, make: Factory
) -> None:
    manager = await manager_of(services, make)
    brand_id = manager.brand.account.id
    empty = ok(await make.client.get(path(brand_id)))
    assert (empty["text_en"], empty["text_fi"], empty["updated_at"]) == ("", "", None)
    assert empty["url"].endswith("/newsletter/privacy/kahvila")
    body = {"text_en": "We keep your address.", "text_fi": "Säilytämme osoitteesi."}
    saved = ok(await manager.put(path(brand_id), json=body))
    assert (saved["text_en"], saved["text_fi"]) == (body["text_en"], body["text_fi"])
    assert saved["updated_at"]
    make.client.cookies.clear()
    public = ok(await make.client.get(path(brand_id)))
    assert public == saved
    page = await make.client.get("/newsletter/privacy/kahvila", headers={"Accept-Language": "fi"})
    assert page.status_code == 200 and "Säilytämme osoitteesi." in page.text


async def test_other_roles_outsiders_and_bad_input_are_refused_and_nothing_changes(
    services: Services, make: Factory
) -> None:
    manager = await manager_of(services, make)
    brand_id = manager.brand.account.id
    ok(await manager.put(path(brand_id), json={"text_en": "Ours."}))
    agent = await staff(services, make, manager.brand, "kahvila_agentti", "agent")
    stranger = await manager_of(services, make, "leipomo")
    refusals = [
        (await agent.put(path(brand_id), json={"text_en": "Agent's."}), 403),
        (await stranger.put(path(brand_id), json={"text_en": "Not mine."}), 404),
        (await manager.put(path(brand_id), json={"text_en": "x" * 20_001}), 422),
        (await make.client.put(path(brand_id), json={"text_en": "No token."}), 401),
        (await make.client.get(path("123456789")), 404),
        (await make.client.get(path("nope")), 404),
    ]
    for response, status in refusals:
        assert response.status_code == status, response.text
        assert isinstance(response.json()["error"], str)
    assert ok(await make.client.get(path(brand_id)))["text_en"] == "Ours."
