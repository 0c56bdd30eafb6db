"""Groups as FEP-1b12 `Group` actors: a remote person joins by following the group (a banned
one is refused), posts into it by addressing it, and the group announces its discussions to
its followers' servers only; a private group takes only its members' posts and sends
nothing to any other server."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory, Person
from ..groups.support import GROUPS, create, post_in
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account


def _follow(peer: Peer, name: str, group: str) -> dict[str, Any]:
    actor = peer.actor(name)
    return {
        "id": f"{actor}#follows/{group}",
        "type": "Follow",
        "actor": actor,
        "object": f"{BASE}/users/{group}",
    }


def _to_group(peer: Peer, name: str, number: int, text: str, group: str) -> dict[str, Any]:
    """A public Note by ``name`` addressed to the group, as Lemmy and Mastodon send one."""
    group_id = f"{BASE}/users/{group}"
    mention = {"type": "Mention", "href": group_id, "name": f"@{group}@testserver.local"}
    return note(
        peer, name, number, text, to=[AS_PUBLIC], cc=[group_id], audience=group_id, tag=[mention]
    )


async def _members(owner: Person, group: dict[str, Any]) -> list[str]:
    answer = await owner.get(f"{GROUPS}/{group['id']}/members")
    return [m["account"]["acct"] for m in answer.json()]


async def test_a_remote_follow_joins_a_public_group_and_a_banned_persons_is_rejected(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    owner = await make.person("owner")
    group = await create(owner, "club")
    actor = (
        await client.get("/users/club", headers={"Accept": "application/activity+json"})
    ).json()
    assert (actor["type"], actor["manuallyApprovesFollowers"]) == ("Group", False)
    assert actor["postingRestrictedToMods"] is False
    await remote_account(services, near, "bo")
    cy = await remote_account(services, near, "cy")
    banned = await owner.post(f"{GROUPS}/{group['id']}/members/{cy}/ban")
    assert banned.status_code == 200, banned.text
    for name in ("bo", "cy"):
        assert (await deliver(client, _follow(near, name, "club"))).status_code == 202
    assert await _members(owner, group) == ["owner", f"bo@{near.host}"]
    [accept] = [a for _, a in near.of_type("Accept")]
    assert (accept["actor"], accept["object"]["actor"]) == (f"{BASE}/users/club", near.actor("bo"))
    [(where, reject)] = near.of_type("Reject")
    assert (where, reject["object"]["id"]) == (
        "/users/cy/inbox",
        f"{near.actor('cy')}#follows/club",
    )


async def test_a_members_post_becomes_a_discussion_the_group_announces_to_its_servers(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """bo (a member, on ``near``) posts to the group: it is in the group's timeline and, as
    the group's boost, in a local member's home; the group announces it to ``near``, where
    its member is. ``far`` has no member: it gets nothing, not even a local member's post."""
    near, far = peers
    owner, aino = await make.person("owner"), await make.person("aino")
    group = await create(owner, "club")
    await aino.post(f"{GROUPS}/{group['id']}/join")
    await remote_account(services, near, "bo")
    await deliver(client, _follow(near, "bo", "club"))
    near.received.clear()
    assert (
        await deliver(client, _to_group(near, "bo", 1, "<p>hello club</p>", "club"))
    ).status_code == 202
    [posted] = (await aino.get(f"{GROUPS}/{group['id']}/timeline")).json()
    assert (posted["account"]["acct"], posted["uri"]) == (
        f"bo@{near.host}",
        f"{near.actor('bo')}/statuses/1",
    )
    home = (await aino.get("/api/v1/timelines/home")).json()
    assert [(s["account"]["acct"], s["reblog"]["id"]) for s in home if s["reblog"]] == [
        ("club", posted["id"])
    ]
    ours = await post_in(aino, group, "coffee at nine")
    announced = {(where, a["actor"], a["object"]) for where, a in near.of_type("Announce")}
    assert announced == {
        ("/inbox", f"{BASE}/users/club", f"{near.actor('bo')}/statuses/1"),
        ("/inbox", f"{BASE}/users/club", ours["uri"]),
    }
    assert far.received == []


async def test_a_private_group_takes_only_its_members_posts_and_sends_them_to_members_only(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """A remote follow of a private group is a join request; approved, bo is told (Accept)
    and his posts to the group are its members'; a non-member's is not stored; and a post
    of the group goes only to bo's server (the group's Announce), not where only the
    author's remote follower is."""
    near, far = peers
    owner, aino = await make.person("owner"), await make.person("aino")
    group = await create(owner, "inner", privacy="private")
    bo = await remote_account(services, near, "bo")
    await remote_account(services, near, "cy")
    await remote_account(services, far, "fan")
    await deliver(client, _follow(far, "fan", "owner"))
    await deliver(client, _follow(near, "bo", "inner"))
    requests = (await owner.get(f"{GROUPS}/{group['id']}/join_requests")).json()
    assert [a["id"] for a in requests] == [str(bo)]
    await owner.post(f"{GROUPS}/{group['id']}/join_requests/{bo}/authorize")
    assert [a["object"]["actor"] for _, a in near.of_type("Accept")] == [near.actor("bo")]
    await deliver(client, _to_group(near, "cy", 1, "<p>let me in</p>", "inner"))
    await deliver(client, _to_group(near, "bo", 2, "<p>members only</p>", "inner"))
    [theirs] = (await owner.get(f"{GROUPS}/{group['id']}/timeline")).json()
    assert (theirs["account"]["acct"], theirs["visibility"]) == (f"bo@{near.host}", "private")
    assert (await aino.get(f"/api/v1/statuses/{theirs['id']}")).status_code == 404
    near.received.clear()
    far.received.clear()
    ours = await post_in(owner, group, f"welcome @bo@{near.host} and @fan@{far.host}")
    [(where, announce)] = near.received
    assert (where, announce["type"], announce["object"]["object"]["id"]) == (
        "/inbox",
        "Announce",
        ours["uri"],
    )
    assert far.received == []
