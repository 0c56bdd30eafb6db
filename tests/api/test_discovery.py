"""The profile directory, follow suggestions (and their dismissal), a profile's endorsed
accounts and identity proofs: only people who chose to be found, never anyone the viewer
blocks, is blocked by or mutes."""

from __future__ import annotations

import httpx

from ..factories import Factory, Person
from ..support.openapi import assert_response

ADMIN_SCOPES = "read write follow push admin:read admin:write"


async def _hide(person: Person) -> None:
    response = await person.patch(
        "/api/v1/accounts/update_credentials", json={"discoverable": False}
    )
    assert response.status_code == 200, response.text


async def _suspend(make: Factory, person: Person) -> None:
    mod = await make.person("moderator", role="admin", scopes=ADMIN_SCOPES)
    done = await mod.post(f"/api/v1/admin/accounts/{person.id}/action", json={"type": "suspend"})
    assert done.status_code == 200, done.text


def _names(body: list[dict[str, object]]) -> list[object]:
    return [a["username"] for a in body]


async def test_directory_lists_discoverable_accounts_newest_or_most_active_first(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await bob.status("active")
    await alice.status("more recent")
    await _hide(carol)
    body = assert_response(await client.get("/api/v1/directory"), "/api/v1/directory")
    assert _names(body) == ["alice", "bob"]
    newest = (
        await client.get("/api/v1/directory", params={"order": "new", "local": "true"})
    ).json()
    assert _names(newest) == ["bob", "alice"]
    page = (await client.get("/api/v1/directory", params={"offset": 1, "limit": 1})).json()
    assert _names(page) == ["bob"]


async def test_directory_leaves_out_suspended_blocked_and_muted_accounts(
    make: Factory, client: httpx.AsyncClient
) -> None:
    viewer = await make.person("viewer")
    blocked, blocker, muted, gone, _seen = [
        await make.person(n) for n in ("blocked", "blocker", "muted", "gone", "seen")
    ]
    await viewer.post(f"/api/v1/accounts/{blocked.id}/block")
    await blocker.post(f"/api/v1/accounts/{viewer.id}/block")
    await viewer.post(f"/api/v1/accounts/{muted.id}/mute")
    await _suspend(make, gone)
    shown = set(_names((await viewer.get("/api/v1/directory", params={"limit": 80})).json()))
    assert shown == {"viewer", "seen", "moderator"}
    anonymous = set(_names((await client.get("/api/v1/directory", params={"limit": 80})).json()))
    assert anonymous == {"viewer", "seen", "moderator", "blocked", "blocker", "muted"}


async def test_suggestions_are_friends_of_friends_then_popular_accounts(make: Factory) -> None:
    me, friend, fof, popular = [await make.person(n) for n in ("me", "friend", "fof", "popular")]
    await me.follow(friend)
    await friend.follow(fof)
    await friend.follow(popular)
    await fof.follow(popular)
    body = assert_response(await me.get("/api/v2/suggestions"), "/api/v2/suggestions")
    by_name = {s["account"]["username"]: s["sources"] for s in body}
    assert by_name == {
        "popular": ["friends_of_friends", "most_followed"],
        "fof": ["friends_of_friends", "most_followed"],
    }
    v1 = assert_response(await me.get("/api/v1/suggestions"), "/api/v1/suggestions")
    assert _names(v1) == [s["account"]["username"] for s in body]


async def test_suggestions_leave_out_followed_blocked_muted_and_hidden_accounts(
    make: Factory,
) -> None:
    me = await make.person("me")
    others = {
        n: await make.person(n) for n in ("followed", "blocked", "blocker", "muted", "hidden", "ok")
    }
    fan = await make.person("fan")
    for other in others.values():
        await fan.follow(other)
    await me.follow(others["followed"])
    await me.post(f"/api/v1/accounts/{others['blocked'].id}/block")
    await others["blocker"].post(f"/api/v1/accounts/{me.id}/block")
    await me.post(f"/api/v1/accounts/{others['muted'].id}/mute")
    await _hide(others["hidden"])
    body = (await me.get("/api/v2/suggestions")).json()
    assert {s["account"]["username"] for s in body} == {"ok"}


async def test_a_dismissed_suggestion_is_never_suggested_again(make: Factory) -> None:
    me, star, fan = await make.person("me"), await make.person("star"), await make.person("fan")
    await fan.follow(star)
    assert _names((await me.get("/api/v1/suggestions")).json()) == ["star"]
    gone = await me.delete(f"/api/v1/suggestions/{star.id}")
    assert (gone.status_code, gone.json()) == (200, {})
    assert (await me.get("/api/v2/suggestions")).json() == []
    assert (await me.delete(f"/api/v1/suggestions/{star.id}")).status_code == 200
    other = await make.person("other")
    assert _names((await other.get("/api/v1/suggestions")).json()) == ["star"]


async def test_suggestions_need_a_signed_in_person(client: httpx.AsyncClient) -> None:
    for path in ("/api/v2/suggestions", "/api/v1/suggestions"):
        assert (await client.get(path)).status_code == 401
    assert (await client.delete("/api/v1/suggestions/1")).status_code == 401


async def test_a_profiles_endorsements_are_public_without_blocked_accounts(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob, carol, viewer = [await make.person(n) for n in ("alice", "bob", "carol", "viewer")]
    for other in (bob, carol):
        await alice.follow(other)
        assert (await alice.post(f"/api/v1/accounts/{other.id}/pin")).status_code == 200
    path = "/api/v1/accounts/{id}/endorsements"
    body = assert_response(await client.get(f"/api/v1/accounts/{alice.id}/endorsements"), path)
    assert _names(body) == ["carol", "bob"]
    await viewer.post(f"/api/v1/accounts/{bob.id}/block")
    seen = (await viewer.get(f"/api/v1/accounts/{alice.id}/endorsements")).json()
    assert _names(seen) == ["carol"]
    missing = await client.get("/api/v1/accounts/1/endorsements")
    assert (missing.status_code, missing.json()) == (404, {"error": "Record not found"})


async def test_identity_proofs_are_an_empty_list(make: Factory) -> None:
    alice = await make.person("alice")
    path = "/api/v1/accounts/{id}/identity_proofs"
    assert (
        assert_response(await alice.get(f"/api/v1/accounts/{alice.id}/identity_proofs"), path) == []
    )
    assert (await alice.get("/api/v1/accounts/1/identity_proofs")).status_code == 404
