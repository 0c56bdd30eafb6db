"""A local member's reply to a post of a REMOTE private group (stored here as the group's
members-only post, ``group_inbox.members_only``): kept in the group here (private, whatever the
client asked), seen by the group's local members alone, and sent as a ``Create`` to the group's
own inbox and nowhere else, addressed to the group's followers with the group in ``cc`` and
``audience``; its edit and delete go the same way; the group's ``Announce`` of it coming back
does not duplicate it; a non-member's reply is refused, nothing written. A job queued under
the kinds of an earlier release still sends."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select

from porina.accounts.models import Account
from porina.federation.group_replies import LEGACY
from porina.jobs import queue
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory, Person
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account
from .test_group_inbox_federation import _stored
from .test_group_inbox_private import _private_announce, _setup

INBOX = "/users/bakers/inbox"


def _follow(peer: Peer, name: str, target: str) -> dict[str, Any]:
    actor = peer.actor(name)
    return {
        "id": f"{actor}#follows/{target}",
        "type": "Follow",
        "actor": actor,
        "object": f"{BASE}/users/{target}",
    }


async def _count(services: Services, account_id: int) -> int:
    async with services.db.read() as session:
        found = await session.scalar(
            select(func.count()).select_from(Status).where(Status.account_id == account_id)
        )
    return int(found or 0)


async def _group_post(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> tuple[Person, Person, Person, Status]:
    """aino and ida are members of near's private group "bakers", ulla follows aino (not a
    member), fan on ``far`` follows aino and cy on ``far`` is known; bo's post in the group."""
    near, far = peers
    aino, _, ulla, _ = await _setup(services, make, near)
    ida = await make.person("ida")
    bakers = await _stored_group_id(services, near)
    assert (await ida.post(f"/api/v1/accounts/{bakers}/follow")).status_code == 200
    assert (await ulla.post(f"/api/v1/accounts/{aino.account.id}/follow")).status_code == 200
    await remote_account(services, far, "fan")
    await remote_account(services, far, "cy")
    assert (await deliver(client, _follow(far, "fan", "aino"))).status_code == 202
    created = note(near, "bo", 1, "<p>rye?</p>", to=[f"{near.actor('bakers')}/followers"])
    await deliver(client, _private_announce(near, "bakers", created, 1))
    parent = await _stored(services, created["object"]["id"])
    assert parent is not None
    near.received.clear()
    far.received.clear()
    return aino, ida, ulla, parent


async def _stored_group_id(services: Services, near: Peer) -> int:
    async with services.db.read() as session:
        found = await session.scalar(select(Account.id).where(Account.uri == near.actor("bakers")))
    assert found is not None
    return int(found)


async def test_a_members_reply_stays_in_the_group_and_goes_to_the_groups_inbox_alone(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino, ida, ulla, parent = await _group_post(services, make, client, peers)
    group = near.actor("bakers")
    asked = {
        "status": f"sourdough @cy@{far.host}",
        "in_reply_to_id": str(parent.id),
        "visibility": "public",
    }
    response = await aino.post("/api/v1/statuses", json=asked)
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["visibility"] == "private"
    seen = await ida.get(f"/api/v1/statuses/{reply['id']}")
    assert seen.status_code == 200 and "sourdough" in seen.json()["content"]
    context = (await ida.get(f"/api/v1/statuses/{parent.id}/context")).json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    assert (await ulla.get(f"/api/v1/statuses/{reply['id']}")).status_code == 404
    assert (await ulla.get("/api/v1/timelines/home")).json() == []
    assert (await client.get(f"/api/v1/statuses/{reply['id']}")).status_code == 404
    assert far.received == []  # not aino's follower fan, not the mentioned non-member cy
    assert [(where, a["type"]) for where, a in near.received] == [(INBOX, "Create")]
    created = near.received[0][1]
    sent = created["object"]
    assert (sent["id"], sent["inReplyTo"]) == (reply["uri"], parent.uri)
    assert (sent["to"], sent["cc"], sent["audience"]) == ([f"{group}/followers"], [group], group)
    assert (created["to"], created["cc"], created["audience"]) == (
        [f"{group}/followers"],
        [group],
        group,
    )
    assert AS_PUBLIC not in json.dumps(created)
    assert f"{BASE}/users/aino/followers" not in json.dumps(created)


async def test_its_edit_and_delete_go_to_the_group_alone_and_its_announce_adds_nothing(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino, ida, _, parent = await _group_post(services, make, client, peers)
    group = near.actor("bakers")
    body = {"status": "sourdough", "in_reply_to_id": str(parent.id)}
    reply = (await aino.post("/api/v1/statuses", json=body)).json()
    back = {
        "id": f"{group}#announces/1",
        "type": "Announce",
        "actor": group,
        "to": [f"{group}/followers"],
        "cc": [],
        "audience": group,
        "object": reply["uri"],
    }
    assert (await deliver(client, back)).status_code == 202
    context = (await ida.get(f"/api/v1/statuses/{parent.id}/context")).json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    assert [s["id"] for s in (await ida.get("/api/v1/timelines/home")).json()] == [
        reply["id"],
        str(parent.id),
    ]
    edited = await aino.put(f"/api/v1/statuses/{reply['id']}", json={"status": "rye bread"})
    assert edited.status_code == 200
    assert (await aino.delete(f"/api/v1/statuses/{reply['id']}")).status_code == 200
    kinds = [(where, a["type"]) for where, a in near.received]
    assert kinds == [(INBOX, "Create"), (INBOX, "Update"), (INBOX, "Delete")]
    update, delete = near.received[1][1], near.received[2][1]
    assert "rye bread" in update["object"]["content"]
    assert (update["to"], update["cc"]) == ([f"{group}/followers"], [group])
    assert (delete["object"]["id"], delete["to"]) == (reply["uri"], [f"{group}/followers"])
    assert far.received == []


async def test_a_non_members_reply_is_refused_and_nothing_is_written(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, _, ulla, parent = await _group_post(services, make, client, peers)
    body = {"status": "me too", "in_reply_to_id": str(parent.id)}
    assert (await ulla.post("/api/v1/statuses", json=body)).status_code == 404
    reply = (await aino.post("/api/v1/statuses", json={**body, "status": "first"})).json()
    bakers = await _stored_group_id(services, near)
    assert (await aino.post(f"/api/v1/accounts/{bakers}/unfollow")).status_code == 200
    near.received.clear()
    again = await aino.post(
        "/api/v1/statuses", json={"status": "later", "in_reply_to_id": reply["id"]}
    )
    assert again.status_code == 403
    assert again.json()["error"] == "Only members of this group can do this"
    assert await _count(services, ulla.account.id) == 0
    assert await _count(services, aino.account.id) == 1
    assert [a["type"] for _, a in near.received] == []


async def test_a_job_queued_under_an_earlier_releases_kind_still_sends(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, _, _, parent = await _group_post(services, make, client, peers)
    body = {"status": "sourdough", "in_reply_to_id": str(parent.id)}
    reply = (await aino.post("/api/v1/statuses", json=body)).json()
    near.received.clear()
    payload = {"status_id": int(reply["id"]), "author_id": aino.account.id}
    async with services.db.transaction() as tx:
        for kind in LEGACY:
            await queue.enqueue(tx, kind, payload)
    await services.runner.drain()
    kinds = sorted(a["type"] for where, a in near.received if where == INBOX)
    assert kinds == ["Create", "Delete", "Update"]
    assert all(a["object"]["id"] == reply["uri"] for _, a in near.received)
