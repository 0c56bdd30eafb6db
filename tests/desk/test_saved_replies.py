"""Saved replies: managers write them per language with variables, agents use them, and a
reply from one reaches the person with their own name filled in."""

from __future__ import annotations

from typing import Any

import pytest

from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, Staff, brand_with_agent, staff

SAVED = "/api/porina/v1/desk/saved_replies"


async def create(member: Staff, **body: str) -> Any:
    return await member.post(SAVED, json=body)


async def test_a_reply_from_a_saved_reply_greets_the_person_by_name(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    hi = await create(
        mari,
        shortcut="thanks",
        language="en",
        body="Thank you {{first_name}}! — {{agent}}, {{brand}}",
    )
    assert hi.status_code == 200, hi.text
    moi = await create(mari, shortcut="thanks", language="fi", body="Kiitos {{ first_name }}!")
    assert moi.status_code == 200, moi.text
    emma = await make.person("emma", display_name="Emma Clarke")
    await emma.status("@cafe lovely coffee today")
    (listed,) = await desk.conversations()
    preview = await desk.get(
        f"{SAVED}/{hi.json()['id']}/preview", params={"conversation_id": listed["id"]}
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["text"] == "Thank you Emma! — cafe_aino, cafe"
    sent = await desk.post(
        f"{BASE}/{listed['id']}/reply", json={"saved_reply_id": moi.json()["id"]}
    )
    assert sent.status_code == 200, sent.text
    assert "Kiitos Emma!" in sent.json()["content"]
    mentioned = await emma.get("/api/v1/notifications")
    assert any(
        "Kiitos Emma!" in (n.get("status") or {}).get("content", "") for n in mentioned.json()
    )
    assert [r["language"] for r in (await desk.get(SAVED)).json()] == ["en", "fi"]
    assert [r["language"] for r in (await desk.get(SAVED, params={"language": "fi"})).json()] == [
        "fi"
    ]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"shortcut": "hi", "language": "en", "body": "Hi {{frist_name}}"}, "unknown variable"),
        ({"shortcut": "hi", "language": "sv", "body": "Hej"}, "language"),
        ({"shortcut": "two words", "language": "en", "body": "Hi"}, "shortcut"),
        ({"shortcut": "hi", "language": "en", "body": "   "}, "body"),
    ],
)
async def test_a_broken_saved_reply_is_refused(
    services: Services, make: Factory, body: dict[str, str], fragment: str
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    response = await mari.post(SAVED, json=body)
    assert response.status_code == 422
    assert fragment in response.json()["error"]
    assert (await mari.get(SAVED)).json() == []


async def test_agents_use_but_do_not_write_and_other_brands_see_nothing(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    made = await create(mari, shortcut="open", language="en", body="We open at 8.")
    refused = await create(desk, shortcut="mine", language="en", body="Hello")
    assert refused.status_code == 403
    other = await brand_with_agent(services, make, "shop")
    assert (await other.get(SAVED)).json() == []
    rid = made.json()["id"]
    assert (
        await other.client.put(f"{SAVED}/{rid}", json={"body": "x"}, headers=other.headers)
    ).status_code in (403, 404)
    assert (
        await mari.client.put(
            f"{SAVED}/{rid}", json={"body": "We open at 7."}, headers=mari.headers
        )
    ).json()["body"] == "We open at 7."
    duplicate = await create(mari, shortcut="open", language="en", body="Again")
    assert duplicate.status_code == 409
    gone = await mari.client.delete(f"{SAVED}/{rid}", headers=mari.headers)
    assert gone.status_code == 200
    assert (await desk.get(SAVED)).json() == []
