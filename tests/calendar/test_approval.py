"""Drafts and approval through the API: an agent writes and submits, a manager approves or
sends back with a comment; only approved posts publish; an analyst reads only; another brand's
draft does not exist for the caller."""

from __future__ import annotations

from datetime import timedelta

from porina.core.clock import now
from porina.services import Services
from tests.calendar.calendar_world import DRAFTS, draft, ok, step, team
from tests.factories import Factory


async def _brand_posts(make: Factory, brand_id: str) -> list[str]:
    response = await make.client.get(f"/api/v1/accounts/{brand_id}/statuses")
    assert response.status_code == 200, response.text
    return [s["content"] for s in response.json()]


async def test_agent_writes_manager_approves_and_the_post_is_published(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    made = await draft(t.agent, "Glögi is back on Friday!")
    assert made["state"] == "draft"
    assert made["author_account_id"] == str(t.agent.person.account.id)
    assert await _brand_posts(make, t.brand.id) == []

    submitted = ok(await step(t.agent, made["id"], "submit"))
    assert submitted["state"] == "submitted"
    assert await _brand_posts(make, t.brand.id) == []

    refused = await step(t.agent, made["id"], "approve")
    assert refused.status_code == 403
    assert refused.json()["error"]

    approved = ok(await step(t.manager, made["id"], "approve"))
    assert approved["state"] in ("approved", "published")
    shown = ok(await t.manager.get(f"{DRAFTS}/{made['id']}"))
    assert shown["state"] == "published"
    assert shown["published_status_id"]
    posts = await _brand_posts(make, t.brand.id)
    assert len(posts) == 1 and "Glögi is back on Friday!" in posts[0]
    steps = [(h["to_state"], h["acct"]) for h in shown["history"]]
    assert steps[:3] == [
        ("draft", "kahvila_aino"),
        ("submitted", "kahvila_aino"),
        ("approved", "kahvila_mari"),
    ]
    assert steps[-1] == ("published", None)


async def test_changes_requested_with_a_comment_then_resubmitted(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    made = await draft(t.agent, "Glögi is bak")
    ok(await step(t.agent, made["id"], "submit"))
    missing = await step(t.manager, made["id"], "request_changes")
    assert missing.status_code == 422
    back = ok(await step(t.manager, made["id"], "request_changes", comment="Typo: back"))
    assert back["state"] == "changes_requested"
    assert back["review_comment"] == "Typo: back"
    assert back["history"][-1]["comment"] == "Typo: back"
    not_submitted = await step(t.manager, made["id"], "approve")
    assert not_submitted.status_code == 422
    assert await _brand_posts(make, t.brand.id) == []
    fixed = ok(await t.agent.put(f"{DRAFTS}/{made['id']}", json={"status": "Glögi is back"}))
    assert fixed["status"] == "Glögi is back"
    assert ok(await step(t.agent, made["id"], "submit"))["state"] == "submitted"


async def test_only_approved_posts_publish_and_editing_needs_approval_again(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    later = (now() + timedelta(days=2)).isoformat()
    made = await draft(t.manager, "Advent calendar door 1", scheduled_at=later)
    ok(await step(t.manager, made["id"], "submit"))
    scheduled = ok(await step(t.manager, made["id"], "approve"))
    assert scheduled["state"] == "scheduled"
    edited = ok(await t.manager.put(f"{DRAFTS}/{made['id']}", json={"status": "Door 1!"}))
    assert edited["state"] == "draft"
    await services.runner.drain()
    assert await _brand_posts(make, t.brand.id) == []


async def test_analyst_reads_but_cannot_write(services: Services, make: Factory) -> None:
    t = await team(services, make)
    made = await draft(t.agent)
    assert (await t.analyst.post(DRAFTS, json={"status": "hi"})).status_code == 403
    assert (await step(t.analyst, made["id"], "submit")).status_code == 403
    edit = await t.analyst.put(f"{DRAFTS}/{made['id']}", json={"status": "mine"})
    assert edit.status_code == 403
    assert ok(await t.manager.get(f"{DRAFTS}/{made['id']}"))["status"] == "Glögi is back!"


async def test_another_brands_draft_is_not_found(services: Services, make: Factory) -> None:
    ours = await team(services, make, "kahvila")
    theirs = await team(services, make, "puoti")
    made = await draft(theirs.manager)
    for response in (
        await ours.manager.get(f"{DRAFTS}/{made['id']}"),
        await step(ours.manager, made["id"], "approve"),
        await ours.manager.put(f"{DRAFTS}/{made['id']}", json={"status": "mine now"}),
        await make.client.delete(f"{DRAFTS}/{made['id']}", headers=ours.manager.headers),
        await ours.manager.get(f"{DRAFTS}/nonsense"),
    ):
        assert response.status_code == 404, response.text
        assert set(response.json()) >= {"error"}


async def test_bad_input_is_422_in_mastodons_shape(services: Services, make: Factory) -> None:
    t = await team(services, make)
    cases = [
        {"status": "x", "scheduled_at": "tomorrow"},
        {"status": "x", "scheduled_at": "2001-01-01T10:00:00Z"},
        {"status": "x", "visibility": "everyone"},
        {"status": ""},
        {"status": "x" * 600},
        {"status": "x", "poll": {"options": ["only one"], "expires_in": 3600}},
        {"status": "x", "media_ids": ["not an id"]},
    ]
    for body in cases:
        response = await t.manager.post(DRAFTS, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"].startswith("Validation failed"), response.text
    made = await draft(t.manager)
    for value in ("soon", "", None, "2001-01-01T00:00:00Z"):
        response = await step(t.manager, made["id"], "reschedule", scheduled_at=value)
        assert response.status_code == 422, (value, response.text)


async def test_refusals_speak_finnish(services: Services, make: Factory) -> None:
    t = await team(services, make)
    fi = {"accept-language": "fi"}
    made = await draft(t.agent)
    refused = await t.agent.client.post(
        f"{DRAFTS}/{made['id']}/approve", headers={**t.agent.headers, **fi}
    )
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("Vain tilin omistajat ja esihenkilöt")
    bad = await t.manager.client.get(
        "/api/porina/v1/calendar",
        params={"from": "2026-12-31", "to": "2026-12-01"},
        headers={**t.manager.headers, **fi},
    )
    assert bad.status_code == 422
    assert bad.json()["error"] == "Validointi epäonnistui: to ei voi olla ennen from-päivää"


async def test_odd_bodies_are_422_never_500(services: Services, make: Factory) -> None:
    t = await team(services, make)
    made = await draft(t.manager)
    bodies: list[object] = [
        {"status": 5},
        {"status": ["a"]},
        {"status": "x", "poll": ["a", "b"]},
        {"status": "x", "poll": {"options": "ab", "expires_in": 600}},
        {"status": "x", "poll": {"options": ["a", "b"], "expires_in": "soon"}},
        {"status": "x", "media_ids": {"a": 1}},
        {"status": "x", "scheduled_at": 1234567890},
        {"status": "x", "scheduled_at": "9999-12-31T23:59:59+14:00"},
        {"status": "x", "visibility": ["public"]},
        {"status": "x", "language": "not a language"},
        {"status": "bad\x00text"},
    ]
    for body in bodies:
        for response in (
            await t.manager.post(DRAFTS, json=body),
            await t.manager.put(f"{DRAFTS}/{made['id']}", json=body),
        ):
            assert response.status_code == 422, (body, response.text)
    for value in (["2030-01-01"], {"at": 1}, 12):
        response = await step(t.manager, made["id"], "reschedule", scheduled_at=value)
        assert response.status_code == 422, (value, response.text)
    response = await step(t.manager, made["id"], "request_changes", comment=["x"])
    assert response.status_code == 422, response.text
