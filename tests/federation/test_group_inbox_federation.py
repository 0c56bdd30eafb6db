"""A remote group's Announces of its members' activities (FEP-1b12, as Lemmy sends them): from
a group a local person joined, an embedded Create, Update or Delete by a member on the
group's own server is taken as that member's own (and the Create as the group's boost, in
the home timeline); from a group nobody here follows, or of an activity of another origin,
or of a Note its actor did not write, nothing is taken."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from porina.federation.remote import actor_columns, store_actor
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory
from .peers import AS_PUBLIC, Peer, deliver, key_pair, note, remote_account


async def _remote_group(services: Services, peer: Peer, name: str) -> int:
    doc = {**peer.document(name), "type": "Group"}
    async with services.db.transaction() as tx:
        return (await store_actor(tx, actor_columns(doc, doc["id"]))).id


def _announce(peer: Peer, group: str, inner: dict[str, Any], n: int) -> dict[str, Any]:
    actor = peer.actor(group)
    return {
        "id": f"{actor}/activities/announce/{n}",
        "type": "Announce",
        "actor": actor,
        "to": [AS_PUBLIC],
        "cc": [f"{actor}/followers"],
        "object": inner,
    }


async def _stored(services: Services, uri: str) -> Status | None:
    async with services.db.read() as session:
        found: Status | None = await session.scalar(
            select(Status).where(Status.uri == uri, Status.deleted_at.is_(None))
        )
    return found


async def test_a_joined_groups_announces_of_its_members_create_update_and_delete_are_taken(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    assert key_pair()  # every test actor signs with the one key
    aino = await make.person("aino")
    bakers = await _remote_group(services, near, "bakers")
    await remote_account(services, near, "bo")
    assert (await aino.post(f"/api/v1/accounts/{bakers}/follow")).status_code == 200
    group_id = near.actor("bakers")
    created = note(near, "bo", 1, "<p>rye</p>", to=[AS_PUBLIC], cc=[f"{group_id}/followers"])
    assert (await deliver(client, _announce(near, "bakers", created, 1))).status_code == 202
    uri = created["object"]["id"]
    home = (await aino.get("/api/v1/timelines/home")).json()
    assert [(s["account"]["acct"], s["reblog"]["uri"]) for s in home] == [
        (f"bakers@{near.host}", uri)
    ]
    edited = {
        **created,
        "id": f"{uri}#updates/1",
        "type": "Update",
        "object": {
            **created["object"],
            "content": "<p>sourdough</p>",
            "updated": "2026-12-06T04:00:00Z",
        },
    }
    await deliver(client, _announce(near, "bakers", edited, 2))
    stored = await _stored(services, uri)
    assert stored is not None and stored.content == "<p>sourdough</p>"
    gone = {"id": f"{uri}#delete", "type": "Delete", "actor": near.actor("bo"), "object": uri}
    await deliver(client, _announce(near, "bakers", gone, 3))
    assert await _stored(services, uri) is None


async def test_no_announce_is_taken_from_an_unjoined_group_another_origin_or_a_forged_author(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    bakers = await _remote_group(services, near, "bakers")
    await _remote_group(services, near, "others")
    for peer, name in ((near, "bo"), (near, "cy"), (far, "fay")):
        await remote_account(services, peer, name)
    assert (await aino.post(f"/api/v1/accounts/{bakers}/follow")).status_code == 200
    unjoined = note(near, "bo", 1, "<p>a</p>", to=[AS_PUBLIC])
    elsewhere = note(far, "fay", 2, "<p>b</p>", to=[AS_PUBLIC])
    forged = note(near, "bo", 3, "<p>c</p>", to=[AS_PUBLIC])
    forged["object"]["attributedTo"] = near.actor("cy")
    for n, (group, inner) in enumerate(
        (("others", unjoined), ("bakers", elsewhere), ("bakers", forged))
    ):
        assert (await deliver(client, _announce(near, group, inner, 10 + n))).status_code == 202
    for inner in (unjoined, elsewhere, forged):
        assert await _stored(services, inner["object"]["id"]) is None
    assert (await aino.get("/api/v1/timelines/home")).json() == []
