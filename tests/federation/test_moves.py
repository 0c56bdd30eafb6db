"""Account moves (issue 20, ``Move``): a local account moves to another local account that
lists it, followers (with their lists), blocks and mutes go along; the 30-day cool-down;
and a remote account's move here carries local blocks and mutes over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from porina.core.clock import back_dated
from porina.services import Services

from ..factories import Factory, Person
from .peers import BASE, Peer, deliver, remote_account

MOVE = "/api/porina/v1/move"
ALIASES = "/api/porina/v1/aliases"


async def _relationship(person: Person, other: str) -> dict[str, Any]:
    [found] = (await person.get("/api/v1/accounts/relationships", params={"id[]": other})).json()
    assert isinstance(found, dict)
    return found


async def _moved_id(person: Person, account: Person) -> str | None:
    moved = (await person.get(f"/api/v1/accounts/{account.id}")).json().get("moved")
    return moved["id"] if moved else None


async def _shun(carl: Person, dora: Person, account_id: str) -> None:
    """carl blocks ``account_id``; dora mutes it, notifications still shown."""
    assert (await carl.post(f"/api/v1/accounts/{account_id}/block")).status_code == 200
    muted = await dora.post(f"/api/v1/accounts/{account_id}/mute", json={"notifications": False})
    assert muted.status_code == 200


async def _shunned(carl: Person, dora: Person, account_id: str) -> None:
    assert (await _relationship(carl, account_id))["blocking"] is True
    muting = await _relationship(dora, account_id)
    assert (muting["muting"], muting["muting_notifications"]) == (True, False)


async def test_a_local_account_moves_to_another_local_account_that_lists_it(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, aino2 = await make.person("aino"), await make.person("aino2")
    emma, carl, dora = [await make.person(name) for name in ("emma", "carl", "dora")]
    await emma.follow(aino)
    friends = (await emma.post("/api/v1/lists", json={"title": "friends"})).json()["id"]
    await emma.post(f"/api/v1/lists/{friends}/accounts", json={"account_ids": [aino.id]})
    await _shun(carl, dora, aino.id)
    await remote_account(services, near, "bo")
    bo = near.actor("bo")
    follow = {"id": f"{bo}#f", "type": "Follow", "actor": bo, "object": f"{BASE}/users/aino"}
    assert (await deliver(client, follow)).status_code == 202
    unasked = await aino.post(MOVE, json={"acct": "aino2"})
    assert unasked.status_code == 422 and "alsoKnownAs" in unasked.json()["error"]
    assert (await aino2.post(ALIASES, json={"acct": "aino"})).json()["uri"] == f"{BASE}/users/aino"

    near.received.clear()
    moved = await aino.post(MOVE, json={"acct": f"aino2@{services.settings.local_domain}"})
    assert moved.status_code == 200, moved.text
    assert await _moved_id(emma, aino) == aino2.id
    following = (await emma.get(f"/api/v1/accounts/{emma.id}/following")).json()
    assert [a["id"] for a in following] == [aino2.id]
    members = (await emma.get(f"/api/v1/lists/{friends}/accounts")).json()
    assert [a["id"] for a in members] == [aino2.id]
    await _shunned(carl, dora, aino2.id)
    [(_, sent)] = near.of_type("Move")
    assert (sent["object"], sent["target"]) == (f"{BASE}/users/aino", f"{BASE}/users/aino2")
    accept = {"Accept": "application/activity+json"}
    document = (await client.get("/users/aino", headers=accept)).json()
    assert document["movedTo"] == f"{BASE}/users/aino2"


async def test_an_account_moves_again_only_after_thirty_days(make: Factory) -> None:
    aino, aino2, aino3 = [await make.person(name) for name in ("aino", "aino2", "aino3")]
    for new in (aino2, aino3):
        assert (await new.post(ALIASES, json={"acct": "aino"})).status_code == 200
    assert (await aino.post(MOVE, json={"acct": "aino2"})).status_code == 200
    again = await aino.post(MOVE, json={"acct": "aino3"})
    assert again.status_code == 422 and "30 days" in again.json()["error"]
    assert await _moved_id(aino3, aino) == aino2.id
    with back_dated(-timedelta(days=31)):
        same = await aino.post(MOVE, json={"acct": "aino2"})
        assert same.status_code == 422 and "already" in same.json()["error"]
        later = await aino.post(MOVE, json={"acct": "aino3"})
        assert later.status_code == 200, later.text
    assert await _moved_id(aino3, aino) == aino3.id


async def test_a_remote_move_here_carries_local_blocks_and_mutes_over(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, carl, dora = [await make.person(name) for name in ("aino", "carl", "dora")]
    bo_id = str(await remote_account(services, near, "bo"))
    bo = near.actor("bo")
    await _shun(carl, dora, bo_id)
    assert (await aino.post(ALIASES, json={"acct": bo})).status_code == 200
    move = {"id": f"{bo}#moves/1", "type": "Move", "actor": bo, "object": bo}
    assert (await deliver(client, {**move, "target": f"{BASE}/users/aino"})).status_code == 202
    await _shunned(carl, dora, aino.id)
    assert (await _relationship(carl, bo_id))["blocking"] is True
