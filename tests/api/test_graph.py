"""The social graph over the API: follows, requests, blocks, mutes, notes, endorsements, lists."""

from __future__ import annotations

import re

from sqlalchemy import select

from porina.accounts.models import Account
from porina.analytics.models import AnalyticsEvent
from porina.notifications.models import Notification
from porina.services import Services
from tests.factories import Factory, Person


async def counts(services: Services, person: Person) -> tuple[int, int]:
    async with services.db.read() as session:
        row = await session.get(Account, person.account.id)
        assert row is not None
        return row.followers_count, row.following_count


async def notification_types(services: Services, person: Person) -> list[str]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(Notification.type).where(Notification.account_id == person.account.id)
        )
        return list(rows)


async def test_follow_creates_follow_notification_and_counts(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    rel = await alice.follow(bob)
    assert rel["following"] is True and rel["showing_reblogs"] is True and rel["requested"] is False
    assert await counts(services, bob) == (1, 0)
    assert await counts(services, alice) == (0, 1)
    assert await notification_types(services, bob) == ["follow"]
    again = await alice.post(
        f"/api/v1/accounts/{bob.id}/follow", data={"reblogs": "0", "notify": "1"}
    )
    assert again.json()["showing_reblogs"] is False and again.json()["notifying"] is True
    assert await counts(services, bob) == (1, 0)
    unfollowed = await alice.post(f"/api/v1/accounts/{bob.id}/unfollow")
    assert unfollowed.json()["following"] is False
    assert await counts(services, bob) == (0, 0) and await counts(services, alice) == (0, 0)
    async with services.db.read() as session:
        names = set(await session.scalars(select(AnalyticsEvent.name)))
    assert {"account:follow:create", "account:follow:delete"} <= names


async def test_locked_account_follow_request_then_authorize(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob", locked=True)
    rel = await alice.follow(bob)
    assert rel["following"] is False and rel["requested"] is True
    assert await notification_types(services, bob) == ["follow_request"]
    pending = await bob.get("/api/v1/follow_requests")
    assert [a["id"] for a in pending.json()] == [alice.id]
    me = (await bob.get("/api/v1/accounts/verify_credentials")).json()
    assert me["source"]["follow_requests_count"] == 1
    authorized = await bob.post(f"/api/v1/follow_requests/{alice.id}/authorize")
    assert authorized.status_code == 200 and authorized.json()["followed_by"] is True
    mine = (await alice.get("/api/v1/accounts/relationships", params={"id[]": bob.id})).json()[0]
    assert mine["following"] is True and mine["requested"] is False
    assert await counts(services, bob) == (1, 0)
    assert (await bob.get("/api/v1/follow_requests")).json() == []
    assert (await bob.post(f"/api/v1/follow_requests/{alice.id}/authorize")).status_code == 404


async def test_rejected_follow_request_leaves_no_follow(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob", locked=True)
    await alice.follow(bob)
    rejected = await bob.post(f"/api/v1/follow_requests/{alice.id}/reject")
    assert rejected.json()["requested_by"] is False and rejected.json()["followed_by"] is False
    assert await counts(services, bob) == (0, 0)


async def test_block_removes_follows_both_ways_and_prevents_following(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.follow(bob)
    await bob.follow(alice)
    blocked = await alice.post(f"/api/v1/accounts/{bob.id}/block")
    assert blocked.status_code == 200
    rel = blocked.json()
    assert rel["blocking"] is True and rel["following"] is False and rel["followed_by"] is False
    assert await counts(services, alice) == (0, 0) and await counts(services, bob) == (0, 0)
    assert (await bob.post(f"/api/v1/accounts/{alice.id}/follow")).status_code == 403
    seen_by_bob = (
        await bob.get("/api/v1/accounts/relationships", params={"id[]": alice.id})
    ).json()[0]
    assert seen_by_bob["blocked_by"] is True
    assert [a["id"] for a in (await alice.get("/api/v1/blocks")).json()] == [bob.id]
    unblocked = await alice.post(f"/api/v1/accounts/{bob.id}/unblock")
    assert unblocked.json()["blocking"] is False
    assert (await alice.get("/api/v1/blocks")).json() == []


async def test_acting_on_yourself_is_refused_not_500(make: Factory) -> None:
    alice = await make.person("alice")
    for action in ("follow", "block", "mute"):
        response = await alice.post(f"/api/v1/accounts/{alice.id}/{action}")
        assert response.status_code == 403, action
        assert "error" in response.json()


async def test_mute_with_duration_and_notifications_flag(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    muted = await alice.post(
        f"/api/v1/accounts/{bob.id}/mute", json={"notifications": False, "duration": 3600}
    )
    rel = muted.json()
    assert rel["muting"] is True and rel["muting_notifications"] is False
    assert rel["muting_expires_at"] is not None
    assert [a["id"] for a in (await alice.get("/api/v1/mutes")).json()] == [bob.id]
    bad = await alice.post(f"/api/v1/accounts/{bob.id}/mute", json={"duration": "soon"})
    assert bad.status_code == 422
    unmuted = await alice.post(f"/api/v1/accounts/{bob.id}/unmute")
    assert unmuted.json()["muting"] is False


async def test_relationships_report_every_field(make: Factory) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await alice.follow(bob)
    await alice.post(f"/api/v1/accounts/{bob.id}/note", data={"comment": "met at the fair"})
    await alice.post(f"/api/v1/accounts/{bob.id}/pin")
    response = await alice.get(
        "/api/v1/accounts/relationships", params={"id[]": [bob.id, carol.id, "404"]}
    )
    rels = response.json()
    assert [r["id"] for r in rels] == [bob.id, carol.id]
    assert rels[0]["note"] == "met at the fair" and rels[0]["endorsed"] is True
    assert set(rels[0]) == {
        "id",
        "following",
        "showing_reblogs",
        "notifying",
        "languages",
        "followed_by",
        "blocking",
        "blocked_by",
        "muting",
        "muting_notifications",
        "muting_expires_at",
        "requested",
        "requested_by",
        "domain_blocking",
        "endorsed",
        "note",
    }
    assert rels[1]["following"] is False
    assert [a["id"] for a in (await alice.get("/api/v1/endorsements")).json()] == [bob.id]
    refused = await alice.post(f"/api/v1/accounts/{carol.id}/pin")
    assert refused.status_code == 422


async def test_remove_from_followers(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    rel = (await alice.post(f"/api/v1/accounts/{bob.id}/remove_from_followers")).json()
    assert rel["followed_by"] is False
    assert await counts(services, alice) == (0, 0)


async def test_followers_are_paginated_with_link_header(make: Factory) -> None:
    star = await make.person("star")
    fans = [await make.person(f"fan{i}") for i in range(5)]
    for fan in fans:
        await fan.follow(star)
    first = await star.get(f"/api/v1/accounts/{star.id}/followers", params={"limit": 2})
    assert [a["username"] for a in first.json()] == ["fan4", "fan3"]
    link = first.headers["link"]
    next_url = re.search(r'<([^>]+)>; rel="next"', link)
    assert next_url and 'rel="prev"' in link
    second = await star.get(next_url.group(1).removeprefix("http://testserver.local"))
    assert [a["username"] for a in second.json()] == ["fan2", "fan1"]
    following = await fans[0].get(f"/api/v1/accounts/{fans[0].id}/following")
    assert [a["username"] for a in following.json()] == ["star"]


async def test_hidden_collections_are_empty_to_others(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    await alice.patch("/api/v1/accounts/update_credentials", data={"hide_collections": "true"})
    assert (await bob.get(f"/api/v1/accounts/{alice.id}/followers")).json() == []
    assert len((await alice.get(f"/api/v1/accounts/{alice.id}/followers")).json()) == 1


async def test_familiar_followers_lists_people_you_follow(make: Factory) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await alice.follow(bob)
    await bob.follow(carol)
    body = (
        await alice.get("/api/v1/accounts/familiar_followers", params={"id[]": carol.id})
    ).json()
    assert body == [{"id": carol.id, "accounts": [body[0]["accounts"][0]]}]
    assert body[0]["accounts"][0]["id"] == bob.id


async def test_domain_blocks_round_trip(make: Factory) -> None:
    alice = await make.person("alice")
    assert (
        await alice.post("/api/v1/domain_blocks", data={"domain": "spam.example"})
    ).status_code == 200
    assert (await alice.get("/api/v1/domain_blocks")).json() == ["spam.example"]
    assert (
        await alice.post("/api/v1/domain_blocks", data={"domain": "not a domain"})
    ).status_code == 422
    assert (
        await alice.delete("/api/v1/domain_blocks", params={"domain": "spam.example"})
    ).status_code == 200
    assert (await alice.get("/api/v1/domain_blocks")).json() == []
