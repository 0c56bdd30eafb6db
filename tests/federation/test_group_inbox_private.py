"""A remote PRIVATE group's posts (its Announce of a Create whose Note is addressed to the
group's followers collection alone, as ``federation/group_posts.py`` sends them): stored as the
group's members-only post, so the local members of the group read it (status, home, context,
mention notification) and nobody else here does (not the author's local follower, not an
account it mentions that is not a member, not a stranger, not an anonymous reader). A local
member's reply to it: ``test_group_reply_remote.py``."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory, Person
from ..web.conftest import Browser, sign_in_as
from .peers import Peer, deliver, note, remote_account
from .test_group_inbox_federation import _remote_group, _stored


def _private_announce(peer: Peer, group: str, inner: dict[str, Any], n: int) -> dict[str, Any]:
    actor = peer.actor(group)
    return {
        "id": f"{actor}/activities/announce/{n}",
        "type": "Announce",
        "actor": actor,
        "to": [f"{actor}/followers"],
        "cc": [],
        "audience": actor,
        "object": inner,
    }


def _mention(peer: Peer, who: str) -> dict[str, str]:
    return {"type": "Mention", "href": who, "name": f"@x@{peer.host}"}


async def _setup(
    services: Services, make: Factory, near: Peer
) -> tuple[Person, Person, Person, int]:
    """aino is a member of near's private group "bakers"; eve follows its member bo; ulla
    knows neither. Returns them and bo's account id."""
    aino, eve, ulla = await make.person("aino"), await make.person("eve"), await make.person("ulla")
    bakers = await _remote_group(services, near, "bakers")
    bo = await remote_account(services, near, "bo")
    await remote_account(services, near, "cy")
    assert (await aino.post(f"/api/v1/accounts/{bakers}/follow")).status_code == 200
    assert (await eve.post(f"/api/v1/accounts/{bo}/follow")).status_code == 200
    return aino, eve, ulla, bo


async def test_a_remote_private_groups_post_reaches_its_local_members_alone(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
) -> None:
    near, _ = peers
    aino, eve, ulla, _ = await _setup(services, make, near)
    followers = f"{near.actor('bakers')}/followers"
    base = services.settings.base_url.rstrip("/")
    tags = [_mention(near, f"{base}/users/aino"), _mention(near, f"{base}/users/eve")]
    created = note(near, "bo", 1, "<p>secret rye</p>", to=[followers], tag=tags)
    assert (await deliver(client, _private_announce(near, "bakers", created, 1))).status_code == 202
    stored = await _stored(services, created["object"]["id"])
    assert stored is not None
    sid = str(stored.id)
    seen = (await aino.get(f"/api/v1/statuses/{sid}")).json()
    assert (seen["content"], seen["visibility"]) == ("<p>secret rye</p>", "private")
    home = (await aino.get("/api/v1/timelines/home")).json()
    assert [(s["id"], s["reblog"]) for s in home] == [(sid, None)]
    notified = (await aino.get("/api/v1/notifications")).json()
    assert [(n["type"], n["status"]["id"]) for n in notified] == [("mention", sid)]
    for stranger in (eve, ulla):
        assert (await stranger.get(f"/api/v1/statuses/{sid}")).status_code == 404
        assert (await stranger.get("/api/v1/timelines/home")).json() == []
        assert (await stranger.get("/api/v1/notifications")).json() == []
    assert (await client.get(f"/api/v1/statuses/{sid}")).status_code == 404
    assert (await eve.get(f"/api/v1/accounts/{stored.account_id}/statuses")).json() == []


async def test_a_members_relayed_answer_is_in_the_thread(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, eve, _, _ = await _setup(services, make, near)
    followers = f"{near.actor('bakers')}/followers"
    first = note(near, "bo", 1, "<p>rye?</p>", to=[followers])
    await deliver(client, _private_announce(near, "bakers", first, 1))
    answer = note(near, "cy", 2, "<p>rye!</p>", to=[followers], inReplyTo=first["object"]["id"])
    await deliver(client, _private_announce(near, "bakers", answer, 2))
    parent = await _stored(services, first["object"]["id"])
    child = await _stored(services, answer["object"]["id"])
    assert parent is not None and child is not None
    assert child.in_reply_to_id == parent.id
    context = (await aino.get(f"/api/v1/statuses/{parent.id}/context")).json()
    assert [s["id"] for s in context["descendants"]] == [str(child.id)]
    assert (await eve.get(f"/api/v1/statuses/{child.id}")).status_code == 404


async def test_the_web_labels_it_for_the_groups_members_without_a_report_link_here(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, _, _, _ = await _setup(services, make, near)
    created = note(near, "bo", 1, "<p>club rye</p>", to=[f"{near.actor('bakers')}/followers"])
    await deliver(client, _private_announce(near, "bakers", created, 1))
    await sign_in_as(services, client, aino)
    await services.runner.drain()
    home = await Browser(client).get("/home")
    assert home.status_code == 200 and "club rye" in home.text
    assert home.text.count('title="Members of bakers"') == 1
    assert "/report?status_id=" not in home.text  # the group's moderators are not here
