from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from ..interactions.support import follow


async def test_list_crud(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    created = await alice.post("/api/v1/lists", data={"title": "Friends"})
    assert created.status_code == 200
    body = created.json()
    assert body["title"] == "Friends" and body["replies_policy"] == "list"
    assert body["exclusive"] is False
    lid = body["id"]
    updated = await alice.put(
        f"/api/v1/lists/{lid}", json={"title": "Pals", "replies_policy": "none", "exclusive": "1"}
    )
    assert updated.json() == {
        "id": lid,
        "title": "Pals",
        "replies_policy": "none",
        "exclusive": True,
    }
    assert [lst["id"] for lst in (await alice.get("/api/v1/lists")).json()] == [lid]
    assert (await bob.get(f"/api/v1/lists/{lid}")).status_code == 404
    assert (await bob.delete(f"/api/v1/lists/{lid}")).status_code == 404
    assert (await alice.delete(f"/api/v1/lists/{lid}")).status_code == 200
    assert (await alice.get(f"/api/v1/lists/{lid}")).status_code == 404


async def test_bad_list_input_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    assert (await alice.post("/api/v1/lists", data={"title": " "})).status_code == 422
    bad = await alice.post("/api/v1/lists", data={"title": "x", "replies_policy": "all"})
    assert bad.status_code == 422 and "error" in bad.json()
    assert (await alice.get("/api/v1/lists/not-an-id")).status_code == 404


async def test_list_membership_requires_following(make: Factory, services: Services) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await follow(services, alice, bob)
    lid = (await alice.post("/api/v1/lists", data={"title": "L"})).json()["id"]
    refused = await alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": carol.id})
    assert refused.status_code == 422
    missing = await alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": "123456789"})
    assert missing.status_code == 404
    added = await alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": bob.id})
    assert added.status_code == 200
    members = await alice.get(f"/api/v1/lists/{lid}/accounts")
    assert [a["id"] for a in members.json()] == [bob.id]
    everyone = await alice.get(f"/api/v1/lists/{lid}/accounts", params={"limit": 0})
    assert [a["id"] for a in everyone.json()] == [bob.id]
    assert [lst["id"] for lst in (await alice.get(f"/api/v1/accounts/{bob.id}/lists")).json()] == [
        lid
    ]
    assert (await alice.get(f"/api/v1/accounts/{carol.id}/lists")).json() == []
    assert (await carol.get(f"/api/v1/lists/{lid}/accounts")).status_code == 404
    removed = await alice.delete(f"/api/v1/lists/{lid}/accounts", params={"account_ids[]": bob.id})
    assert removed.status_code == 200
    assert (await alice.get(f"/api/v1/lists/{lid}/accounts")).json() == []


async def test_a_follow_that_ends_takes_the_account_out_of_the_followers_lists(
    make: Factory, services: Services
) -> None:
    """As Mastodon's unfollow and block: unfollowing, blocking, being blocked and being
    removed from followers each take the account out of the lists; another's list keeps it."""
    alice, frank = await make.person("alice"), await make.person("frank")
    bob, carol, dan, erin = [await make.person(n) for n in ("bob", "carol", "dan", "erin")]
    for target in (bob, carol, dan, erin):
        await follow(services, alice, target)
    await follow(services, frank, bob)
    lid = (await alice.post("/api/v1/lists", data={"title": "L"})).json()["id"]
    other = (await frank.post("/api/v1/lists", data={"title": "F"})).json()["id"]
    members = {"account_ids[]": [bob.id, carol.id, dan.id, erin.id]}
    assert (await alice.post(f"/api/v1/lists/{lid}/accounts", data=members)).status_code == 200
    added = await frank.post(f"/api/v1/lists/{other}/accounts", data={"account_ids[]": bob.id})
    assert added.status_code == 200

    async def listed() -> list[str]:
        found = await alice.get(f"/api/v1/lists/{lid}/accounts")
        return sorted(a["username"] for a in found.json())

    assert await listed() == ["bob", "carol", "dan", "erin"]
    assert (await alice.post(f"/api/v1/accounts/{bob.id}/unfollow")).status_code == 200
    assert await listed() == ["carol", "dan", "erin"]
    assert (await alice.post(f"/api/v1/accounts/{carol.id}/block")).status_code == 200
    assert await listed() == ["dan", "erin"]
    assert (await dan.post(f"/api/v1/accounts/{alice.id}/block")).status_code == 200
    assert await listed() == ["erin"]
    removed = await erin.post(f"/api/v1/accounts/{alice.id}/remove_from_followers")
    assert removed.status_code == 200
    assert await listed() == []
    assert (await alice.get(f"/api/v1/accounts/{bob.id}/lists")).json() == []
    kept = await frank.get(f"/api/v1/lists/{other}/accounts")
    assert [a["id"] for a in kept.json()] == [bob.id]
