"""Property test of groups' federation privacy (issue 21): over random groups (public, private,
hidden), random remote people on two servers (members or not, following the author or not,
mentioned or not) and a random act in the group (a discussion, a reply, an edit, a delete,
a moderator's removal), a private or hidden group's post reaches only the servers where the
group has a member, only as the group's Announce, and never addressed to the public; every
server with a member gets it, in any group; a public group's post reaches no server where
nobody is a member, follows the author or is mentioned."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import httpx
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from porina.services import Services

from ..factories import Factory, Person
from ..groups.support import GROUPS, create, post_in
from .peers import AS_PUBLIC, BASE, Peer, deliver, remote_account

PROPERTY = hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
people = st.lists(
    st.tuples(
        st.integers(0, 1),  # server: near or far
        st.booleans(),  # a member of the group
        st.booleans(),  # follows the author
        st.booleans(),  # is mentioned
    ),
    max_size=4,
)
ACTS = st.sampled_from(["discussion", "reply", "edit", "delete", "removal"])
_N = count()


async def _join(
    services: Services,
    client: httpx.AsyncClient,
    owner: Person,
    group: dict[str, Any],
    peer: Peer,
    name: str,
) -> None:
    """``name`` on ``peer`` joins the group (invited, then following it)."""
    account_id = await remote_account(services, peer, name)
    invited = await owner.post(f"{GROUPS}/{group['id']}/invitations/{account_id}")
    assert invited.status_code == 200, invited.text
    actor = peer.actor(name)
    follow = {
        "id": f"{actor}#follows/{name}",
        "type": "Follow",
        "actor": actor,
        "object": f"{BASE}/users/{group['porina_name']}",
    }
    assert (await deliver(client, follow)).status_code == 202


async def _act(owner: Person, author: Person, group: dict[str, Any], act: str, text: str) -> str:
    """Do ``act`` in the group; the id of the post it concerns."""
    first = await post_in(author if act == "discussion" else owner, group, "a topic")
    if act == "discussion":
        return str(first["uri"])
    reply = await post_in(author, group, text, in_reply_to_id=first["id"])
    if act == "edit":
        await author.put(f"/api/v1/statuses/{reply['id']}", json={"status": f"{text} again"})
    elif act == "delete":
        await author.delete(f"/api/v1/statuses/{reply['id']}")
    elif act == "removal":
        await owner.delete(f"{GROUPS}/{group['id']}/statuses/{reply['id']}")
    return str(reply["uri"])


def _concerning(peer: Peer, uri: str) -> list[dict[str, Any]]:
    return [a for _, a in peer.received if uri in json.dumps(a)]


@PROPERTY
@given(world=people, privacy=st.sampled_from(["public", "private", "hidden"]), act=ACTS)
async def test_a_groups_post_reaches_only_the_servers_it_may(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    world: list[tuple[int, bool, bool, bool]],
    privacy: str,
    act: str,
) -> None:
    n = next(_N)
    owner, author = await make.person(f"own{n}"), await make.person(f"aut{n}")
    group = await create(owner, f"grp{n}", privacy=privacy)
    group["porina_name"] = f"grp{n}"
    await owner.post(f"{GROUPS}/{group['id']}/invitations/{author.account.id}")
    assert (await author.post(f"{GROUPS}/{group['id']}/join")).status_code == 200
    members, others, mentions = set(), set(), []
    for i, (server, member, follows, mentioned) in enumerate(world):
        peer, name = peers[server], f"r{n}x{i}"
        if member:
            await _join(services, client, owner, group, peer, name)
            members.add(server)
        else:
            await remote_account(services, peer, name)
        if follows:
            follow = {
                "id": f"{peer.actor(name)}#follows/aut{n}",
                "type": "Follow",
                "actor": peer.actor(name),
                "object": f"{BASE}/users/aut{n}",
            }
            await deliver(client, follow)
        if follows or mentioned:
            others.add(server)
        if mentioned:
            mentions.append(f"@{name}@{peer.host}")
    for peer in peers:
        peer.received.clear()
    uri = await _act(owner, author, group, act, " ".join(["hello", *mentions]))
    group_actor = f"{BASE}/users/grp{n}"
    for server, peer in enumerate(peers):
        got = _concerning(peer, uri)
        if server in members:
            assert any(a["type"] == "Announce" and a["actor"] == group_actor for a in got)
        if privacy != "public":
            assert got == [] or server in members, (server, got)
            assert all(a["actor"] == group_actor and AS_PUBLIC not in json.dumps(a) for a in got)
        elif server not in members | others:
            assert got == []
