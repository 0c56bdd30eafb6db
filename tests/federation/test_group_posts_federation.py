"""A group announces its posts (FEP-1b12, as Lemmy's communities): a private group's posts and
replies reach its remote members' servers only, addressed to the group's followers and never
public; a public group's replies, edits, deletes and a moderator's removal reach its members'
servers; a server where the group has no member gets nothing of it."""

from __future__ import annotations

import json
from typing import Any

import httpx

from porina.anonymity import actions as anonymity
from porina.services import Services

from ..anonymity.support import API as ANONYMOUS
from ..anonymity.support import anonymously, leaks
from ..factories import Factory, Person
from ..groups.support import GROUPS, create, post_in
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account

AP = {"Accept": "application/activity+json"}


def _follow(peer: Peer, name: str, target: str) -> dict[str, Any]:
    actor = peer.actor(name)
    return {
        "id": f"{actor}#follows/{target}",
        "type": "Follow",
        "actor": actor,
        "object": f"{BASE}/users/{target}",
    }


def _announced(peer: Peer) -> list[tuple[str, dict[str, Any]]]:
    """``(type of what is announced, Announce)`` of each Announce ``peer`` received."""
    out = []
    for _, activity in peer.of_type("Announce"):
        inner = activity["object"]
        out.append((inner["type"] if isinstance(inner, dict) else "id", activity))
    return out


async def _private_group(
    services: Services, make: Factory, client: httpx.AsyncClient, near: Peer, far: Peer
) -> tuple[Person, Person, dict[str, Any]]:
    """``inner``, a private group of owner and aino here and bo on ``near`` (approved);
    on ``far``, fan follows the owner and cy is known, neither a member."""
    owner, aino = await make.person("owner"), await make.person("aino")
    group = await create(owner, "inner", privacy="private")
    await owner.post(f"{GROUPS}/{group['id']}/invitations/{aino.account.id}")
    assert (await aino.post(f"{GROUPS}/{group['id']}/join")).status_code == 200
    bo = await remote_account(services, near, "bo")
    await remote_account(services, far, "fan")
    await remote_account(services, far, "cy")
    await deliver(client, _follow(far, "fan", "owner"))
    await deliver(client, _follow(near, "bo", "inner"))
    await owner.post(f"{GROUPS}/{group['id']}/join_requests/{bo}/authorize")
    near.received.clear()
    far.received.clear()
    return owner, aino, group


async def test_a_private_groups_posts_and_replies_reach_its_remote_members_only(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """The owner's discussion (mentioning a non-member on ``far``) and aino's reply reach
    ``near``, where bo is, as the group's Announces of their Create, addressed to the group's
    followers and nowhere public; ``far`` (the owner's follower, the mentioned non-member)
    gets nothing. bo's own reply is announced too, by its id."""
    near, far = peers
    owner, aino, group = await _private_group(services, make, client, near, far)
    followers = f"{BASE}/users/inner/followers"
    first = await post_in(owner, group, f"welcome @cy@{far.host} and @fan@{far.host}")
    reply = await post_in(aino, group, "thanks", in_reply_to_id=first["id"])
    created = [(a["object"]["object"]["id"], a) for kind, a in _announced(near) if kind == "Create"]
    assert [uri for uri, _ in created] == [first["uri"], reply["uri"]]
    for _, activity in created:
        assert activity["actor"] == f"{BASE}/users/inner"
        assert (activity["to"], activity["cc"]) == ([followers], [])
        assert (activity["object"]["to"], activity["object"]["object"]["to"]) == (
            [followers],
            [followers],
        )
        assert AS_PUBLIC not in json.dumps(activity)
    assert [where for where, _ in near.received] == ["/inbox", "/inbox"]
    assert far.received == []
    bo_reply = note(near, "bo", 7, "<p>me too</p>", to=[followers], inReplyTo=first["uri"])
    assert (await deliver(client, bo_reply)).status_code == 202
    assert [a["object"] for kind, a in _announced(near) if kind == "id"] == [
        f"{near.actor('bo')}/statuses/7"
    ]
    assert far.received == []


async def test_a_private_groups_followers_are_listed_to_no_stranger(
    make: Factory, client: httpx.AsyncClient
) -> None:
    owner = await make.person("owner")
    await create(owner, "inner", privacy="private")
    await create(owner, "open")
    closed = (await client.get("/users/inner/followers", headers=AP)).json()
    opened = (await client.get("/users/open/followers", headers=AP)).json()
    assert ("orderedItems" in closed, closed["totalItems"]) == (False, 1)
    assert opened["orderedItems"] == [f"{BASE}/users/owner"]


async def test_a_public_groups_replies_edits_deletes_and_removals_reach_its_members_servers(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """bo on ``near`` is a member of ``club``: aino's reply, its edit and its delete, and
    the owner's removal of bo's reply, are announced by the group to ``near``; ``far``,
    where nobody is a member, gets none of them."""
    near, far = peers
    owner, aino = await make.person("owner"), await make.person("aino")
    group = await create(owner, "club")
    await aino.post(f"{GROUPS}/{group['id']}/join")
    await remote_account(services, near, "bo")
    await remote_account(services, far, "fan")
    await deliver(client, _follow(near, "bo", "club"))
    first = await post_in(owner, group, "what do we bake")
    near.received.clear()
    reply = await post_in(aino, group, "bread", in_reply_to_id=first["id"])
    edited = await aino.put(f"/api/v1/statuses/{reply['id']}", json={"status": "rye bread"})
    assert edited.status_code == 200, edited.text
    assert (await aino.delete(f"/api/v1/statuses/{reply['id']}")).status_code == 200
    bo_reply = note(near, "bo", 3, "<p>buns</p>", to=[AS_PUBLIC], inReplyTo=first["uri"])
    await deliver(client, bo_reply)
    [theirs] = [
        s
        for s in (await owner.get(f"/api/v1/statuses/{first['id']}/context")).json()["descendants"]
    ]
    removed = await owner.delete(f"{GROUPS}/{group['id']}/statuses/{theirs['id']}")
    assert removed.status_code == 200, removed.text
    seen = [
        (kind, a["object"] if kind == "id" else a["object"]["type"]) for kind, a in _announced(near)
    ]
    assert seen == [
        ("Create", "Create"),
        ("Update", "Update"),
        ("Delete", "Delete"),
        ("id", bo_reply["object"]["id"]),
        ("Delete", "Delete"),
    ]
    announces = [a for _, a in _announced(near)]
    assert announces[1]["object"]["object"]["content"] == "<p>rye bread</p>"
    assert announces[2]["object"]["object"]["id"] == reply["uri"]
    removal = announces[4]["object"]
    assert (removal["actor"], removal["object"]) == (
        f"{BASE}/users/owner",
        bo_reply["object"]["id"],
    )
    assert {a["actor"] for a in announces} == {f"{BASE}/users/club"}
    assert all(a["to"] == [AS_PUBLIC] for a in announces)
    assert far.received == []


async def test_an_anonymous_answer_in_a_private_group_reaches_remote_members_as_its_pseudonym(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """aino answers anonymously in ``inner``: the group's Announces of the answer and of its
    deletion reach bo's server naming the pseudonym alone, never aino."""
    near, far = peers
    owner, aino, group = await _private_group(services, make, client, near, far)
    async with services.db.transaction() as tx:
        await anonymity.set_group_policy(tx, owner.actor, int(group["id"]), "open")
    first = await post_in(owner, group, "who bakes on sunday")
    near.received.clear()
    answer = await anonymously(aino, "I do", in_reply_to_id=first["id"])
    assert answer.status_code == 200, answer.text
    gone = await aino.delete(f"{ANONYMOUS}/statuses/{answer.json()['id']}")
    assert gone.status_code == 200, gone.text
    kinds = [(kind, a["object"]["actor"]) for kind, a in _announced(near)]
    pseudonym = answer.json()["account"]["uri"]
    assert kinds == [("Create", pseudonym), ("Delete", pseudonym)]
    assert leaks([a for _, a in near.received], aino) == []
    assert far.received == []
