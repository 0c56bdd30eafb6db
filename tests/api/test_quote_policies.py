"""Quote policies (Mastodon 4.5): the author's default, the policy a status stores and shows in
``quote_approval``, enforcement when quoting, changing it afterwards and revoking a quote."""

from __future__ import annotations

from typing import Any

import httpx

from ..factories import Factory, Person
from ..support.openapi import assert_response, assert_valid


async def _quote(person: Person, status: dict[str, Any]) -> httpx.Response:
    return await person.post(
        "/api/v1/statuses", json={"status": "quoting", "quoted_status_id": status["id"]}
    )


async def test_quote_approval_says_who_may_quote_for_each_viewer(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    post = await alice.status("quote me")
    assert post["quote_approval"] == {
        "automatic": ["public"],
        "manual": [],
        "current_user": "automatic",
    }
    seen = assert_response(await bob.get(f"/api/v1/statuses/{post['id']}"), "/api/v1/statuses/{id}")
    assert seen["quote_approval"]["current_user"] == "automatic"
    anonymous = (await client.get(f"/api/v1/statuses/{post['id']}")).json()
    assert anonymous["quote_approval"]["current_user"] == "denied"
    closed = await alice.status("no quotes", quote_approval_policy="nobody")
    shown = (await bob.get(f"/api/v1/statuses/{closed['id']}")).json()["quote_approval"]
    assert shown == {"automatic": [], "manual": [], "current_user": "denied"}
    home = (await bob.get("/api/v1/timelines/public")).json()
    by_id = {s["id"]: s["quote_approval"]["current_user"] for s in home}
    assert by_id == {post["id"]: "automatic", closed["id"]: "denied"}
    assert_valid(home, "/api/v1/timelines/public")


async def test_a_timeline_gives_each_viewer_its_own_quote_approval(
    make: Factory, client: httpx.AsyncClient
) -> None:
    """The timelines encode each status's ``quote_approval`` once per policy, visibility and
    kind of viewer (nobody, the author, anyone else): the author, another account and a
    visitor each see their own answer, for every policy."""
    alice, bob = await make.person("alice"), await make.person("bob")
    posts = {
        policy: await alice.status(f"policy {policy}", quote_approval_policy=policy)
        for policy in ("public", "followers", "nobody")
    }
    expected = {
        "alice": {"public": "automatic", "followers": "automatic", "nobody": "automatic"},
        "bob": {"public": "automatic", "followers": "unknown", "nobody": "denied"},
        "visitor": {"public": "denied", "followers": "denied", "nobody": "denied"},
    }
    readers = {"alice": alice.get, "bob": bob.get, "visitor": client.get}
    for name, get in readers.items():
        for _ in range(2):  # the second reading comes from the kept encodings
            page = (await get("/api/v1/timelines/public")).json()
            by_id = {s["id"]: s["quote_approval"]["current_user"] for s in page}
            assert by_id == {posts[p]["id"]: answer for p, answer in expected[name].items()}


async def test_nobody_and_followers_policies_are_enforced(make: Factory) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    closed = await alice.status("closed", quote_approval_policy="nobody")
    refused = await _quote(bob, closed)
    assert (refused.status_code, refused.json()) == (403, {"error": "This status cannot be quoted"})
    assert (await _quote(alice, closed)).status_code == 200
    followers = await alice.status("friends", quote_approval_policy="followers")
    assert (await _quote(carol, followers)).status_code == 403
    await carol.follow(alice)
    assert (await _quote(carol, followers)).status_code == 200


async def test_the_default_policy_comes_from_the_authors_settings(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.patch(
        "/api/v1/accounts/update_credentials", json={"source": {"quote_policy": "nobody"}}
    )
    post = await alice.status("default")
    assert post["quote_approval"]["automatic"] == []
    assert (await _quote(bob, post)).status_code == 403
    private = await bob.status("mine", visibility="private", quote_approval_policy="public")
    assert private["quote_approval"]["automatic"] == []


async def test_the_author_changes_the_policy_afterwards(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    post = await alice.status("open")
    path = f"/api/v1/statuses/{post['id']}/interaction_policy"
    changed = await alice.put(path, json={"quote_approval_policy": "nobody"})
    body = assert_response(changed, "/api/v1/statuses/{id}/interaction_policy", "put")
    assert body["quote_approval"]["automatic"] == []
    assert (await _quote(bob, post)).status_code == 403
    shown = (await bob.get(f"/api/v1/statuses/{post['id']}")).json()
    assert shown["quote_approval"]["current_user"] == "denied"
    not_hers = await bob.put(path, json={"quote_approval_policy": "public"})
    assert not_hers.status_code == 403
    bad = await alice.put(path, json={"quote_approval_policy": "everyone"})
    assert bad.status_code == 422
    hidden = await alice.status("secret", visibility="direct")
    missing = await bob.put(
        f"/api/v1/statuses/{hidden['id']}/interaction_policy",
        json={"quote_approval_policy": "public"},
    )
    assert missing.status_code == 404


async def test_revoking_a_quote_detaches_it(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    post = await alice.status("quotable")
    quote = (await _quote(bob, post)).json()
    path = f"/api/v1/statuses/{post['id']}/quotes/{quote['id']}/revoke"
    assert (await bob.post(path)).status_code == 403
    revoked = await alice.post(path)
    body = revoked.json()
    assert revoked.status_code == 200
    # The description's Status.quote is oneOf Quote | ShallowQuote, and an object with
    # only "state" (and a null quoted_status) is both: validated apart from it.
    assert_valid(
        {**body, "quote": None}, "/api/v1/statuses/{id}/quotes/{quoting_status_id}/revoke", "post"
    )
    assert body["quote"] == {"state": "revoked", "quoted_status": None}
    assert (body["id"], body["quote"]["state"]) == (quote["id"], "revoked")
    after = (await alice.get(f"/api/v1/statuses/{post['id']}")).json()
    assert after["quotes_count"] == 0
    assert (await alice.get(f"/api/v1/statuses/{post['id']}/quotes")).json() == []
    assert (await bob.get(f"/api/v1/statuses/{quote['id']}")).json()["quote"]["state"] == "revoked"
    assert (await alice.post(path)).status_code == 200
    await bob.delete(f"/api/v1/statuses/{quote['id']}")
    assert (await alice.get(f"/api/v1/statuses/{post['id']}")).json()["quotes_count"] == 0
    other = await alice.post(f"/api/v1/statuses/{post['id']}/quotes/{post['id']}/revoke")
    assert other.status_code == 404
