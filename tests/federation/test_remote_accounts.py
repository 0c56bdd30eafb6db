"""Remote accounts and moderation (issue 20): a domain block reaches accounts first seen after
it, a remote actor that deletes itself leaves nothing behind here, a remote report reaches
the moderators, and a remote account's Move takes its local followers to its new account."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest

from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .peers import AS_PUBLIC, BASE, Peer, deliver, loopback, note, remote_account

ADMIN_SCOPES = "read write follow push admin:read admin:write"
BLOCKS = "/api/v1/admin/domain_blocks"


async def test_accounts_first_seen_after_a_domain_block_are_restricted_by_it(
    services: Services, make: Factory, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    silence = await boss.post(BLOCKS, json={"domain": near.host, "severity": "silence"})
    suspend = await boss.post(BLOCKS, json={"domain": far.host, "severity": "suspend"})
    quiet = await remote_account(services, near, "newcomer")
    gone = await remote_account(services, far, "stranger")
    assert (await boss.get(f"/api/v1/admin/accounts/{quiet}")).json()["silenced"] is True
    assert (await boss.get(f"/api/v1/accounts/{gone}")).status_code == 404
    # lifting the blocks lifts what they did to the newcomers too
    for made in (silence, suspend):
        await boss.delete(f"{BLOCKS}/{made.json()['id']}")
    assert (await boss.get(f"/api/v1/admin/accounts/{quiet}")).json()["silenced"] is False
    assert (await boss.get(f"/api/v1/accounts/{gone}")).status_code == 200


async def test_a_remote_actor_that_deletes_itself_leaves_nothing_behind(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    bo = near.actor("bo")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    mine = await aino.status("fresh buns")
    for activity in (
        {"id": f"{bo}#follows/1", "type": "Follow", "actor": bo, "object": f"{BASE}/users/aino"},
        {"id": f"{bo}#likes/1", "type": "Like", "actor": bo, "object": mine["uri"]},
        note(near, "bo", 1, "<p>hello from bo</p>", to=[AS_PUBLIC]),
    ):
        assert (await deliver(client, activity)).status_code == 202
    [theirs] = (await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    assert len((await aino.get("/api/v1/notifications")).json()) == 2

    delete = {"id": f"{bo}#delete", "type": "Delete", "actor": bo, "object": bo, "to": [AS_PUBLIC]}
    assert (await deliver(client, delete)).status_code == 202

    assert (await aino.get(f"/api/v1/accounts/{bo_id}")).status_code == 404
    assert (await aino.get(f"/api/v1/statuses/{theirs['id']}")).status_code == 404
    home = (await aino.get("/api/v1/timelines/home")).json()
    assert [s["id"] for s in home] == [mine["id"]]
    assert (await aino.get("/api/v1/notifications")).json() == []
    me = (await aino.get("/api/v1/accounts/verify_credentials")).json()
    assert (me["followers_count"], me["following_count"]) == (0, 0)
    assert (await aino.get(f"/api/v1/statuses/{mine['id']}")).json()["favourites_count"] == 0
    # the account cannot be brought back by an admin
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    back = await boss.post(f"/api/v1/admin/accounts/{bo_id}/unsuspend")
    assert back.status_code == 403


async def test_only_the_actor_itself_can_delete_its_account(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, near, "mallory")
    mallory = near.actor("mallory")
    forged = {
        "id": f"{mallory}#delete",
        "type": "Delete",
        "actor": mallory,
        "object": near.actor("bo"),
    }
    assert (await deliver(client, forged)).status_code == 202
    assert (await aino.get(f"/api/v1/accounts/{bo_id}")).status_code == 200


def _flag(peer: Peer, number: int, objects: list[str], content: str) -> dict[str, Any]:
    """A Flag as Mastodon sends it: from its instance actor, never the person reporting."""
    actor = peer.actor("instance")
    return {
        "id": f"{actor}#flags/{number}",
        "type": "Flag",
        "actor": actor,
        "object": objects,
        "content": content,
    }


async def test_a_remote_report_reaches_the_moderators_with_our_statuses(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    aino = await make.person("aino")
    await remote_account(services, near, "instance")
    await remote_account(services, far, "instance")
    bad = await aino.status("something rude")
    fine = await boss.status("something kind")
    objects = [f"{BASE}/users/aino", bad["uri"], fine["uri"], f"{near.base}/users/x/statuses/1"]
    assert (await deliver(client, _flag(near, 1, objects, "spam, twice"))).status_code == 202
    [report] = (await boss.get("/api/v1/admin/reports")).json()
    assert report["account"]["username"] == "instance"
    assert report["account"]["domain"] == near.host
    assert report["target_account"]["id"] == aino.id
    assert [s["id"] for s in report["statuses"]] == [bad["id"]]
    assert report["comment"] == "spam, twice"
    told = (await boss.get("/api/v1/notifications")).json()
    assert [(n["type"], n["report"]["id"]) for n in told] == [("admin.report", report["id"])]
    # a server whose reports the admin rejects is not heard
    block = {"domain": far.host, "severity": "noop", "reject_reports": True}
    assert (await boss.post(BLOCKS, json=block)).status_code == 200
    assert (await deliver(client, _flag(far, 2, objects, "again"))).status_code == 202
    assert len((await boss.get("/api/v1/admin/reports")).json()) == 1


async def test_a_forwarded_report_is_sent_as_a_flag_from_the_instance_actor(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    await deliver(client, note(near, "bo", 5, "<p>buy my pills</p>", to=[AS_PUBLIC]))
    [theirs] = (await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    near.received.clear()
    kept = {"account_id": str(bo_id), "comment": "just between us"}
    assert (await aino.post("/api/v1/reports", json=kept)).status_code == 200
    assert near.of_type("Flag") == []
    report = {
        "account_id": str(bo_id),
        "status_ids": [theirs["id"]],
        "comment": "spam",
        "forward": True,
    }
    sent = await aino.post("/api/v1/reports", json=report)
    assert sent.json()["forwarded"] is True
    [(path, flag)] = near.of_type("Flag")
    instance = f"{BASE}/actor"
    assert (path, flag["actor"], flag["content"]) == ("/users/bo/inbox", instance, "spam")
    assert flag["object"] == [near.actor("bo"), f"{near.actor('bo')}/statuses/5"]
    assert "aino" not in json.dumps(flag)


@dataclasses.dataclass
class Home:
    """A server whose actors' documents (with ``alsoKnownAs``) answer a fetch, and which
    records what is delivered to it."""

    peer: Peer
    documents: dict[str, dict[str, Any]]

    def add(self, name: str, also_known_as: list[str]) -> str:
        document = {**self.peer.document(name), "alsoKnownAs": also_known_as}
        self.documents[f"/users/{name}"] = document
        return str(document["id"])


@pytest.fixture(scope="module")
def home() -> Iterator[Home]:
    documents: dict[str, dict[str, Any]] = {}
    received: list[tuple[str, dict[str, Any]]] = []

    class Server(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = documents.get(self.path)
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/activity+json")
            self.end_headers()
            self.wfile.write(json.dumps(found or {}).encode())

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            received.append((self.path, json.loads(body)))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    peer = Peer(loopback(Server), received)
    yield Home(peer, documents)
    peer.server.shutdown()


@pytest.fixture
def settings(settings: Settings, home: Home) -> Settings:
    hosts = f"{settings.federation_allow_http_hosts},{home.peer.host}"
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)


async def test_a_remote_move_takes_the_local_followers_to_the_new_account(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    home: Home,
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    bo = near.actor("bo")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    stranger = home.add("stranger", [])
    unasked = {"id": f"{bo}#moves/1", "type": "Move", "actor": bo, "object": bo, "target": stranger}
    assert (await deliver(client, unasked)).status_code == 202
    assert (await aino.get(f"/api/v1/accounts/{bo_id}")).json().get("moved") is None

    new_bo = home.add("newbo", [bo])
    home.peer.received.clear()
    near.received.clear()
    move = {"id": f"{bo}#moves/2", "type": "Move", "actor": bo, "object": bo, "target": new_bo}
    assert (await deliver(client, move)).status_code == 202
    moved = (await aino.get(f"/api/v1/accounts/{bo_id}")).json()["moved"]
    assert moved["acct"] == f"newbo@{home.peer.host}"
    following = (await aino.get(f"/api/v1/accounts/{aino.id}/following")).json()
    assert [a["acct"] for a in following] == [f"newbo@{home.peer.host}"]
    assert [(a["type"], a["object"]) for _, a in home.peer.received] == [("Follow", new_bo)]
    assert [a["type"] for _, a in near.received] == ["Undo"]


async def test_a_move_of_another_actor_is_ignored(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    home: Home,
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, near, "mallory")
    await aino.post(f"/api/v1/accounts/{bo_id}/follow")
    mallory, bo = near.actor("mallory"), near.actor("bo")
    target = home.add("trap", [bo, mallory])
    forged = {
        "id": f"{mallory}#m",
        "type": "Move",
        "actor": mallory,
        "object": bo,
        "target": target,
    }
    assert (await deliver(client, forged)).status_code == 202
    following = (await aino.get(f"/api/v1/accounts/{aino.id}/following")).json()
    assert [a["id"] for a in following] == [str(bo_id)]


async def test_a_local_account_moves_to_a_remote_account_that_lists_it(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    home: Home,
) -> None:
    near, _ = peers
    aino, emma = await make.person("aino"), await make.person("emma")
    await emma.follow(aino)
    await remote_account(services, near, "bo")
    bo = near.actor("bo")
    follow = {
        "id": f"{bo}#follows/9",
        "type": "Follow",
        "actor": bo,
        "object": f"{BASE}/users/aino",
    }
    assert (await deliver(client, follow)).status_code == 202
    unasked = home.add("elsewhere", [])
    refused = await aino.post("/api/porina/v1/move", json={"acct": unasked})
    assert refused.status_code == 422 and "alsoKnownAs" in refused.json()["error"]

    target = home.add("aino2", [f"{BASE}/users/aino"])
    near.received.clear()
    home.peer.received.clear()
    moved = await aino.post("/api/porina/v1/move", json={"acct": target})
    assert moved.status_code == 200, moved.text
    assert moved.json()["moved"]["acct"] == f"aino2@{home.peer.host}"
    [(path, sent)] = near.of_type("Move")
    assert (path, sent["object"], sent["target"]) == ("/inbox", f"{BASE}/users/aino", target)
    [(_, update)] = near.of_type("Update")
    assert update["object"]["movedTo"] == target
    following = (await emma.get(f"/api/v1/accounts/{emma.id}/following")).json()
    assert [a["acct"] for a in following] == [f"aino2@{home.peer.host}"]
    assert [(a["type"], a["actor"]) for _, a in home.peer.received] == [
        ("Follow", f"{BASE}/users/emma")
    ]
    accept = {"Accept": "application/activity+json"}
    assert (await client.get("/users/aino", headers=accept)).json()["movedTo"] == target
    again = await aino.post("/api/porina/v1/move", json={"acct": target})
    assert again.status_code == 422


async def test_aliases_are_published_and_let_a_remote_account_move_here(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, emma = await make.person("aino"), await make.person("emma")
    bo_id = await remote_account(services, near, "bo")
    bo = near.actor("bo")
    await emma.post(f"/api/v1/accounts/{bo_id}/follow")
    itself = await aino.post("/api/porina/v1/aliases", json={"acct": f"{BASE}/users/aino"})
    assert itself.status_code == 422
    added = await aino.post("/api/porina/v1/aliases", json={"acct": bo})
    assert added.status_code == 200, added.text
    alias = added.json()
    assert (alias["acct"], alias["uri"]) == (f"bo@{near.host}", bo)
    assert (await aino.get("/api/porina/v1/aliases")).json() == [alias]
    accept = {"Accept": "application/activity+json"}
    assert (await client.get("/users/aino", headers=accept)).json()["alsoKnownAs"] == [bo]

    move = {"id": f"{bo}#moves/3", "type": "Move", "actor": bo, "object": bo}
    assert (await deliver(client, {**move, "target": f"{BASE}/users/aino"})).status_code == 202
    following = (await emma.get(f"/api/v1/accounts/{emma.id}/following")).json()
    assert [a["id"] for a in following] == [aino.id]
    assert (await emma.get(f"/api/v1/accounts/{bo_id}")).json()["moved"]["id"] == aino.id

    assert (await aino.delete(f"/api/porina/v1/aliases/{alias['id']}")).json() == {}
    assert (await aino.get("/api/porina/v1/aliases")).json() == []
    assert "alsoKnownAs" not in (await client.get("/users/aino", headers=accept)).json()
