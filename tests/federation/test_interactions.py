"""Favourites, boosts, edits, deletes, blocks and refused follows across servers, both ways:
the counts and notifications a local author sees, and what the remote server is sent."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory, Person
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account


def _act(peer: Peer, name: str, kind: str, obj: Any, suffix: str, **extra: Any) -> dict[str, Any]:
    actor = peer.actor(name)
    return {"id": f"{actor}#{suffix}", "type": kind, "actor": actor, "object": obj, **extra}


def _undo(peer: Peer, name: str, activity: dict[str, Any]) -> dict[str, Any]:
    return _act(peer, name, "Undo", activity, f"undo-{activity['id'].rsplit('#', 1)[1]}")


async def _status(person: Person, sid: str) -> dict[str, Any]:
    return dict((await person.get(f"/api/v1/statuses/{sid}")).json())


async def test_a_remote_like_and_boost_count_notify_and_undo(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    post = await aino.status("fresh buns")
    like = _act(near, "bo", "Like", post["uri"], "likes/1")
    boost = _act(near, "bo", "Announce", post["uri"], "boosts/1", to=[AS_PUBLIC])
    for activity in (like, boost, like):  # a repeated Like counts once
        assert (await deliver(client, activity)).status_code == 202
    seen = await _status(aino, post["id"])
    assert (seen["favourites_count"], seen["reblogs_count"]) == (1, 1)
    notes = (await aino.get("/api/v1/notifications")).json()
    assert sorted((n["type"], n["account"]["acct"]) for n in notes) == [
        ("favourite", f"bo@{near.host}"),
        ("reblog", f"bo@{near.host}"),
    ]
    for activity in (_undo(near, "bo", like), _undo(near, "bo", boost)):
        assert (await deliver(client, activity)).status_code == 202
    seen = await _status(aino, post["id"])
    assert (seen["favourites_count"], seen["reblogs_count"]) == (0, 0)


async def test_a_remote_like_of_a_post_it_may_not_see_changes_nothing(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    secret = await aino.status("friends only", visibility="private")
    for kind in ("Like", "Announce"):
        activity = _act(near, "bo", kind, secret["uri"], kind.lower())
        assert (await deliver(client, activity)).status_code == 202
    seen = await _status(aino, secret["id"])
    assert (seen["favourites_count"], seen["reblogs_count"]) == (0, 0)
    assert (await aino.get("/api/v1/notifications")).json() == []


async def test_local_likes_and_boosts_of_a_remote_post_reach_its_author(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    await deliver(client, note(near, "bo", 7, "<p>hi</p>", to=[AS_PUBLIC]))
    [theirs] = (await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    near.received.clear()
    for verb in ("favourite", "reblog", "unfavourite", "unreblog"):
        assert (await aino.post(f"/api/v1/statuses/{theirs['id']}/{verb}")).status_code == 200
    kinds = [
        (path, a["type"], a["object"] if isinstance(a["object"], str) else a["object"]["type"])
        for path, a in near.received
    ]
    uri = f"{near.actor('bo')}/statuses/7"
    assert kinds == [
        ("/users/bo/inbox", "Like", uri),
        ("/inbox", "Announce", uri),
        ("/users/bo/inbox", "Undo", "Like"),
        ("/inbox", "Undo", "Announce"),
    ]
    announce = near.of_type("Announce")[0][1]
    assert announce["actor"] == f"{BASE}/users/aino" and AS_PUBLIC in announce["to"]


async def test_edits_and_deletes_both_ways(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    created = note(near, "bo", 8, "<p>open at 9</p>", to=[AS_PUBLIC])
    await deliver(client, created)
    [theirs] = (await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    edited = {
        **created["object"],
        "content": "<p>open at 10</p>",
        "updated": "2026-12-05T10:00:00Z",
    }
    update = _act(near, "bo", "Update", edited, "updates/1")
    assert (await deliver(client, update)).status_code == 202
    assert (await _status(aino, theirs["id"]))["content"] == "<p>open at 10</p>"
    history = (await aino.get(f"/api/v1/statuses/{theirs['id']}/history")).json()
    assert [h["content"] for h in history] == ["<p>open at 9</p>", "<p>open at 10</p>"]
    tombstone = {"id": created["object"]["id"], "type": "Tombstone"}
    assert (
        await deliver(client, _act(near, "bo", "Delete", tombstone, "delete"))
    ).status_code == 202
    assert (await aino.get(f"/api/v1/statuses/{theirs['id']}")).status_code == 404

    await deliver(client, _act(near, "bo", "Follow", f"{BASE}/users/aino", "follows/1"))
    mine = await aino.status("menu")
    near.received.clear()
    await aino.put(f"/api/v1/statuses/{mine['id']}", json={"status": "menu, updated"})
    await aino.delete(f"/api/v1/statuses/{mine['id']}")
    [(_, sent_update), (_, sent_delete)] = near.received
    assert sent_update["type"] == "Update" and "menu, updated" in sent_update["object"]["content"]
    assert sent_delete["type"] == "Delete"
    assert sent_delete["object"] == {"id": mine["uri"], "type": "Tombstone", "atomUri": mine["uri"]}


async def test_a_remote_actor_cannot_edit_or_delete_another_actors_post(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, near, "mallory")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    created = note(near, "bo", 9, "<p>mine</p>", to=[AS_PUBLIC])
    await deliver(client, created)
    forged = {**created["object"], "content": "<p>forged</p>"}
    update = _act(near, "mallory", "Update", forged, "updates/9")
    assert (await deliver(client, update)).status_code == 403  # not the author
    delete = _act(near, "mallory", "Delete", created["object"]["id"], "delete/9")
    assert (await deliver(client, delete)).status_code == 202  # accepted, but not theirs
    local = await aino.status("local")
    delete_local = _act(near, "mallory", "Delete", local["uri"], "delete/10")
    assert (await deliver(client, delete_local)).status_code == 403  # off its origin
    [theirs] = (await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    assert theirs["content"] == "<p>mine</p>"
    assert (await _status(aino, local["id"]))["content"] == "<p>local</p>"


async def test_blocks_and_refused_follows_both_ways(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    await deliver(client, _act(near, "bo", "Follow", f"{BASE}/users/aino", "follows/2"))
    relation = (await aino.get("/api/v1/accounts/relationships", params={"id[]": bo_id})).json()
    assert relation[0]["following"] and relation[0]["followed_by"]
    block = _act(near, "bo", "Block", f"{BASE}/users/aino", "blocks/1")
    assert (await deliver(client, block)).status_code == 202
    relation = (await aino.get("/api/v1/accounts/relationships", params={"id[]": bo_id})).json()
    assert not relation[0]["following"] and not relation[0]["followed_by"]
    await deliver(client, _undo(near, "bo", block))

    near.received.clear()
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    [(_, follow)] = near.of_type("Follow")
    reject = _act(near, "bo", "Reject", follow, "rejects/1")
    assert (await deliver(client, reject)).status_code == 202
    relation = (await aino.get("/api/v1/accounts/relationships", params={"id[]": bo_id})).json()
    assert not relation[0]["following"] and not relation[0]["requested"]

    near.received.clear()
    await aino.post(f"/api/v1/accounts/{bo_id}/block")
    await aino.post(f"/api/v1/accounts/{bo_id}/unblock")
    assert [
        (a["type"], a["object"] if a["type"] == "Block" else a["object"]["type"])
        for _, a in near.received
    ] == [
        ("Block", near.actor("bo")),
        ("Undo", "Block"),
    ]


async def test_profile_updates_both_ways(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    renamed = {**near.document("bo"), "name": "Bo the Baker", "summary": "<p>buns</p>"}
    assert (
        await deliver(client, _act(near, "bo", "Update", renamed, "updates/p"))
    ).status_code == 202
    shown = (await aino.get(f"/api/v1/accounts/{bo_id}")).json()
    assert (shown["display_name"], shown["note"]) == ("Bo the Baker", "<p>buns</p>")
    forged = {**near.document("bo"), "name": "Hacked"}
    mallory = _act(near, "mallory", "Update", forged, "updates/m")
    await remote_account(services, near, "mallory")
    await deliver(client, mallory)
    assert (await aino.get(f"/api/v1/accounts/{bo_id}")).json()["display_name"] == "Bo the Baker"

    await deliver(client, _act(near, "bo", "Follow", f"{BASE}/users/aino", "follows/p"))
    near.received.clear()
    await aino.patch("/api/v1/accounts/update_credentials", json={"display_name": "Aino's Café"})
    [(path, update)] = near.of_type("Update")
    assert path == "/inbox" and update["object"]["name"] == "Aino's Café"
    assert update["object"]["id"] == f"{BASE}/users/aino"


async def test_removing_or_blocking_a_remote_follower_tells_their_server(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    cy_id = await remote_account(services, near, "cy")
    for name in ("bo", "cy"):
        await deliver(client, _act(near, name, "Follow", f"{BASE}/users/aino", f"follows/{name}"))
    await aino.post(f"/api/v1/accounts/{cy_id}/follow")
    near.received.clear()
    await aino.post(f"/api/v1/accounts/{bo_id}/remove_from_followers")
    await aino.post(f"/api/v1/accounts/{cy_id}/block")
    sent = [
        (path, a["type"], a["object"]["actor"] if a["type"] != "Block" else a["object"])
        for path, a in near.received
    ]
    assert sorted(sent) == sorted(
        [
            ("/users/bo/inbox", "Reject", near.actor("bo")),  # bo no longer follows aino
            ("/users/cy/inbox", "Reject", near.actor("cy")),  # nor does cy, blocked
            ("/users/cy/inbox", "Undo", f"{BASE}/users/aino"),  # aino's follow of cy ends
            ("/users/cy/inbox", "Block", near.actor("cy")),
        ]
    )


async def test_a_like_of_another_servers_post_is_left_to_that_server(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, far, "cy")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    await deliver(client, note(near, "bo", 11, "<p>bo's</p>", to=[AS_PUBLIC]))
    like = _act(far, "cy", "Like", f"{near.actor('bo')}/statuses/11", "likes/11")
    assert (await deliver(client, like)).status_code == 202
    [theirs] = (await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    assert theirs["favourites_count"] == 0
