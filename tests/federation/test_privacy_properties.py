"""Property tests of federation's privacy (issue 20): over random worlds, a followers-only or
direct post is delivered only to the inboxes of those allowed to see it (never to a shared
inbox of a server with no recipient), and a remote actor can never edit, delete, like or
undo as someone on another domain (FEP-fe34: the key's owner is the actor, and what it
edits, deletes or undoes is on its own origin and its own)."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from porina.accounts import graph
from porina.core.actor import Actor
from porina.federation.outbound import audience
from porina.federation.remote import actor_columns, store_actor
from porina.interactions.models import Favourite
from porina.posts.actions import NewStatus, create_status
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory
from .peers import AS_PUBLIC, BASE, Peer, deliver, key_pair, note, remote_account

SERVERS = [f"s{i}.example" for i in range(4)]
PROPERTY = hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

people = st.lists(
    st.tuples(
        st.integers(0, len(SERVERS) - 1),  # server
        st.booleans(),  # follows the author
        st.booleans(),  # is mentioned
        st.booleans(),  # its server has a shared inbox
    ),
    min_size=1,
    max_size=6,
)


def _actor_doc(host: str, name: str, shared: bool) -> dict[str, Any]:
    me = f"https://{host}/users/{name}"
    return {
        "id": me,
        "type": "Person",
        "preferredUsername": name,
        "inbox": f"{me}/inbox",
        "endpoints": {"sharedInbox": f"https://{host}/inbox"} if shared else {},
        "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": key_pair()[1]},
    }


@PROPERTY
@given(world=people, visibility=st.sampled_from(["public", "unlisted", "private", "direct"]))
async def test_a_post_goes_only_to_inboxes_of_those_who_may_see_it(
    make: Factory, services: Services, world: list[tuple[int, bool, bool, bool]], visibility: str
) -> None:
    author = await make.person()
    mentions: list[str] = []
    allowed: dict[str, set[str]] = {}  # server -> inboxes a recipient there may be sent to
    async with services.db.transaction() as tx:
        for n, (server, follows, mentioned, shared) in enumerate(world):
            host, name = SERVERS[server], f"p{author.id}x{n}"
            doc = _actor_doc(host, name, shared)
            account = await store_actor(tx, actor_columns(doc, doc["id"]))
            if follows:
                await graph.follow(tx, Actor(account_id=account.id), int(author.id))
            if mentioned:
                mentions.append(f"@{name}@{host}")
            if mentioned or (follows and visibility != "direct"):
                shared_inbox = f"https://{host}/inbox" if shared else doc["inbox"]
                inbox = doc["inbox"] if visibility == "direct" else shared_inbox
                allowed.setdefault(host, set()).add(inbox)
    async with services.db.transaction() as tx:
        text = " ".join(["hello", *mentions])
        status = await create_status(tx, author.actor, NewStatus(text=text, visibility=visibility))
    async with services.db.read() as session:
        row = await session.get(Status, status.id)
        assert row is not None
        inboxes = await audience(session, row)
    assert len(inboxes) == len(set(inboxes))  # each inbox once
    permitted = set().union(*allowed.values()) if allowed else set()
    assert set(inboxes) == permitted
    for inbox in inboxes:
        host = inbox.split("/")[2]
        assert host in allowed  # never a server with nobody who may see the post
        if visibility == "direct":
            assert not inbox.endswith(f"{host}/inbox")  # never a shared inbox
    if visibility == "direct":
        assert len(inboxes) == len(mentions)


_WORLDS: dict[int, dict[str, Any]] = {}
ATTEMPTS = st.sampled_from(
    [
        "update",
        "delete",
        "delete_string",
        "like_as_victim",
        "undo_like_of_victim",
        "undo_like_embedded_as_mine",
        "undo_announce_by_uri",
        "undo_announce_embedded",
        "undo_follow_of_victim",
    ]
)


async def _world(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> dict[str, Any]:
    """bo on one server: a post of theirs, their like and boost of aino's post and their
    follow of aino; mallory on another server."""
    near, far = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, far, "mallory")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    created = note(near, "bo", 1, "<p>by bo</p>", to=[AS_PUBLIC])
    target = await aino.status("by aino")
    like = {
        "id": f"{near.actor('bo')}#likes/1",
        "type": "Like",
        "actor": near.actor("bo"),
        "object": target["uri"],
    }
    announce = {
        **like,
        "id": f"{near.actor('bo')}/statuses/2/activity",
        "type": "Announce",
        "to": [AS_PUBLIC],
    }
    follow = {
        "id": f"{near.actor('bo')}#follows/1",
        "type": "Follow",
        "actor": near.actor("bo"),
        "object": target["account"]["uri"],
    }
    for activity in (created, like, announce, follow):
        assert (await deliver(client, activity)).status_code == 202
    return {
        "aino": aino,
        "note": created["object"],
        "like": like,
        "announce": announce,
        "follow": follow,
        "target": target,
    }


def _attempt(kind: str, w: dict[str, Any], near: Peer, far: Peer, n: int) -> dict[str, Any]:
    mallory, bo = far.actor("mallory"), near.actor("bo")
    mine = f"{mallory}#attempt/{n}"
    if kind == "update":
        return {
            "id": mine,
            "type": "Update",
            "actor": mallory,
            "object": {**w["note"], "content": "<p>forged</p>"},
        }
    if kind == "delete":
        return {
            "id": mine,
            "type": "Delete",
            "actor": mallory,
            "object": {"id": w["note"]["id"], "type": "Tombstone"},
        }
    if kind == "delete_string":
        return {"id": mine, "type": "Delete", "actor": mallory, "object": w["note"]["id"]}
    if kind == "like_as_victim":
        return {
            "id": f"{bo}#likes/forged{n}",
            "type": "Like",
            "actor": bo,
            "object": w["target"]["uri"],
        }
    if kind == "undo_like_of_victim":
        return {"id": mine, "type": "Undo", "actor": mallory, "object": w["like"]}
    if kind == "undo_like_embedded_as_mine":
        return {
            "id": mine,
            "type": "Undo",
            "actor": mallory,
            "object": {**w["like"], "actor": mallory},
        }
    if kind == "undo_announce_by_uri":
        return {"id": mine, "type": "Undo", "actor": mallory, "object": w["announce"]["id"]}
    if kind == "undo_announce_embedded":
        return {
            "id": mine,
            "type": "Undo",
            "actor": mallory,
            "object": {**w["announce"], "actor": mallory},
        }
    return {"id": mine, "type": "Undo", "actor": mallory, "object": w["follow"]}


@PROPERTY
@given(attempts=st.lists(ATTEMPTS, min_size=1, max_size=4))
async def test_a_remote_actor_never_acts_as_someone_on_another_domain(
    make: Factory,
    services: Services,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    attempts: list[str],
) -> None:
    near, far = peers
    if id(services) not in _WORLDS:  # one world per test run; the examples share it
        _WORLDS.clear()
        _WORLDS[id(services)] = await _world(services, make, client, peers)
    w = _WORLDS[id(services)]
    for n, kind in enumerate(attempts):
        activity = _attempt(kind, w, near, far, n)
        signer = far.actor("mallory")  # mallory holds only her own key
        response = await deliver(client, activity, signer=signer)
        assert response.status_code in (202, 403), response.text
        if activity["actor"] != signer:
            assert response.status_code == 403
    aino = w["aino"]
    async with services.db.read() as session:
        theirs = await session.scalar(select(Status).where(Status.uri == w["note"]["id"]))
        likes = await session.scalar(select(func.count()).select_from(Favourite))
    assert theirs is not None and theirs.deleted_at is None
    assert theirs.content == "<p>by bo</p>" and theirs.edited_at is None
    assert likes == 1  # bo's like stands, and nobody liked as bo
    seen = (await aino.get(f"/api/v1/statuses/{w['target']['id']}")).json()
    assert (seen["favourites_count"], seen["reblogs_count"]) == (1, 1)
    followers = (await aino.get(f"/api/v1/accounts/{aino.id}/followers")).json()
    assert [f["acct"] for f in followers] == [f"bo@{near.host}"]


_READERS: dict[int, dict[str, Any]] = {}


async def _readers(services: Services, make: Factory, near: Peer) -> dict[str, Any]:
    """bo on a remote server; eki follows bo, aino may be mentioned, olli is neither."""
    bo_id = await remote_account(services, near, "bo")
    eki, aino, olli = await make.person("eki"), await make.person("aino"), await make.person("olli")
    assert (await eki.post(f"/api/v1/accounts/{bo_id}/follow")).status_code == 200
    return {"eki": eki, "aino": aino, "olli": olli, "n": 0}


@PROPERTY
@given(
    public=st.sampled_from(["to", "cc", None]),
    followers=st.sampled_from(["to", "cc", None]),
    mention=st.sampled_from(["to", "cc", None]),
)
async def test_a_remote_post_is_seen_by_exactly_those_its_addressing_allows(
    make: Factory,
    services: Services,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    public: str | None,
    followers: str | None,
    mention: str | None,
) -> None:
    """Whatever the addressing, a remote Note is stored with the visibility it implies and
    each local reader sees it exactly when the same rule as for a local post says so."""
    near, _ = peers
    if id(services) not in _READERS:
        _READERS.clear()
        _READERS[id(services)] = await _readers(services, make, near)
    r = _READERS[id(services)]
    r["n"] += 1
    address: dict[str, list[str]] = {"to": [], "cc": []}
    for where, who in (
        (public, AS_PUBLIC),
        (followers, f"{near.actor('bo')}/followers"),
        (mention, f"{BASE}/users/aino"),
    ):
        if where is not None:
            address[where].append(who)
    tags = [{"type": "Mention", "href": f"{BASE}/users/aino", "name": "@aino"}] if mention else []
    created = note(near, "bo", 1000 + r["n"], "<p>hi</p>", tag=tags, **address)
    assert (await deliver(client, created)).status_code == 202
    expected = (
        "public"
        if public == "to"
        else "unlisted"
        if public == "cc"
        else "private"
        if followers
        else "direct"
        if mention
        else None
    )
    async with services.db.read() as session:
        stored = await session.scalar(select(Status).where(Status.uri == created["object"]["id"]))
    assert (stored.visibility if stored else None) == expected
    if stored is None:
        return
    sees = {
        "eki": expected != "direct",  # a follower
        "aino": expected in ("public", "unlisted") or mention is not None,  # maybe mentioned
        "olli": expected in ("public", "unlisted"),
    }
    for name, allowed in sees.items():
        answer = await r[name].get(f"/api/v1/statuses/{stored.id}")
        assert answer.status_code == (200 if allowed else 404), (name, expected)
