"""An agent (was: responder) answers for the brand: replies and direct messages only.
Top-level posts, boosts, deletions, edits of what others wrote and profile changes are
refused with a 403 naming the role's limit, through the API and on the compose page."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services
from tests.factories import Factory, Person
from tests.web.conftest import Browser, sign_in_as

from .support import appoint, operate

STATUSES = "/api/v1/statuses"


async def _brand_posts(brand: Person) -> list[dict[str, Any]]:
    response = await brand.get(f"/api/v1/accounts/{brand.id}/statuses", params={"limit": 40})
    posts: list[dict[str, Any]] = response.json()
    return posts


async def test_a_responder_posts_replies_and_direct_messages_but_nothing_top_level(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol, customer = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("asiakas"),
    )
    headers = await operate(services, brand, carol, "responder")
    for visibility in ("public", "unlisted", "private", None):
        body = {"status": "Big news from the café!"}
        if visibility is not None:
            body["visibility"] = visibility
        refused = await client.post(STATUSES, json=body, headers=headers)
        assert refused.status_code == 403, (visibility, refused.text)
        assert "agent can only post replies and direct messages" in refused.json()["error"]
    scheduled = await client.post(
        STATUSES,
        json={"status": "Later news", "scheduled_at": "2999-01-01T10:00:00Z"},
        headers=headers,
    )
    assert scheduled.status_code == 403
    assert await _brand_posts(brand) == []

    question = await customer.status("@kahvila are you open on Sunday?")
    reply = await client.post(
        STATUSES,
        json={"status": "@asiakas yes, 9 to 15!", "in_reply_to_id": question["id"]},
        headers=headers,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["account"]["username"] == "kahvila"
    assert reply.json()["in_reply_to_id"] == question["id"]
    dm = await client.post(
        STATUSES,
        json={"status": "@asiakas your order is ready", "visibility": "direct"},
        headers=headers,
    )
    assert dm.status_code == 200, dm.text
    assert dm.json()["visibility"] == "direct"
    favourite = await client.post(f"{STATUSES}/{question['id']}/favourite", headers=headers)
    assert favourite.status_code == 200
    edited = await client.put(
        f"{STATUSES}/{reply.json()['id']}",
        json={"status": "@asiakas yes, 9 to 16!"},
        headers=headers,
    )
    assert edited.status_code == 200, edited.text  # what she wrote herself


async def test_a_responder_cannot_boost_delete_edit_others_posts_or_change_the_profile(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol, eve = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("eve"),
    )
    editor = await operate(services, brand, eve, "editor")
    headers = await operate(services, brand, carol, "responder")
    announcement = await client.post(STATUSES, json={"status": "New menu"}, headers=editor)
    status_id = announcement.json()["id"]
    attempts = {
        "boost": await client.post(f"{STATUSES}/{status_id}/reblog", headers=headers),
        "delete": await client.delete(f"{STATUSES}/{status_id}", headers=headers),
        "edit": await client.put(
            f"{STATUSES}/{status_id}", json={"status": "Old menu"}, headers=headers
        ),
    }
    for what, response in attempts.items():
        assert response.status_code == 403, (what, response.text)
        assert "agent" in response.json()["error"], what
    profile = await client.patch(
        "/api/v1/accounts/update_credentials", json={"display_name": "Hacked"}, headers=headers
    )
    assert profile.status_code == 403
    assert "error" in profile.json()
    shown = await brand.get(f"{STATUSES}/{status_id}")
    assert shown.json()["content"] == "<p>New menu</p>"
    assert shown.json()["reblogs_count"] == 0
    assert (await brand.get("/api/v1/accounts/verify_credentials")).json()["display_name"] != (
        "Hacked"
    )


async def test_on_the_compose_page_a_responder_replies_as_the_brand_but_cannot_post_top_level(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol, customer = (
        await make.person("kahvila"),
        await make.person("carol"),
        await make.person("asiakas"),
    )
    await appoint(services, brand, carol, "responder")
    question = await customer.status("@kahvila do you have oat milk?")
    await sign_in_as(services, client, carol)
    browser = Browser(client)
    page = await browser.get(f"/compose?as={brand.id}&in_reply_to={question['id']}")
    assert page.status_code == 200
    assert f'<option value="{brand.id}" selected>@kahvila' in page.text

    refused = await browser.post(
        "/compose",
        {"status": "Oat milk for everyone!", "visibility": "public", "as_account": brand.id},
    )
    assert refused.status_code == 403
    assert "agent can only post replies and direct messages" in refused.text
    assert await _brand_posts(brand) == []

    replied = await browser.post(
        "/compose",
        {
            "status": "@asiakas yes we do",
            "visibility": "public",
            "in_reply_to_id": question["id"],
            "as_account": brand.id,
        },
    )
    assert replied.status_code == 303, replied.text
    [reply] = await _brand_posts(brand)
    assert reply["in_reply_to_id"] == question["id"]
    assert reply["content"].endswith("yes we do</p>")


async def test_the_compose_page_posts_only_as_an_account_the_person_operates(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, mallory = await make.person("kahvila"), await make.person("mallory")
    await sign_in_as(services, client, mallory)
    browser = Browser(client)
    assert (await browser.get(f"/compose?as={brand.id}")).status_code == 404
    posted = await browser.post(
        "/compose", {"status": "I am the café now", "visibility": "public", "as_account": brand.id}
    )
    assert posted.status_code == 404
    assert await _brand_posts(brand) == []
    assert await _brand_posts(mallory) == []
