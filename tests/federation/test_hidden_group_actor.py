"""A hidden group's actor document (with its key) and collections, served to its members'
servers alone (issue 21, point 1): a GET signed by an actor or the instance actor of a domain
where the group has a member or invitee gets them; unsigned, badly signed or from a server
with no member, the same 404 as an unknown name. WebFinger stays a 404 to everyone. So the
group's signed Announce to its remote member can be verified by the receiving server."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest

from porina.core.clock import now
from porina.federation.remote import actor_columns, store_actor
from porina.federation.signatures import SignatureError
from porina.federation.verify import key_owner, present
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory, Person
from ..groups.support import GROUPS, create, post_in
from .peers import BASE, Peer, deliver, key_pair, loopback, remote_account, signed_get

AP = {"Accept": "application/activity+json"}
DOCUMENTS = ("", "/outbox", "/followers", "/following", "/collections/featured")
Posted = list[tuple[str, dict[str, str], bytes]]


@pytest.fixture(scope="module")
def recorder() -> Iterator[tuple[Peer, Posted]]:
    """A member's server that keeps each delivery's path, headers and body (to verify its
    signature as a receiving server does)."""
    posted: Posted = []
    holder: list[Peer] = []

    class Inbox(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            posted.append((self.path, headers, body))
            holder[0].received.append((self.path, json.loads(body)))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    holder.append(Peer(loopback(Inbox)))
    yield holder[0], posted
    holder[0].server.shutdown()


@pytest.fixture
def settings(settings: Settings, recorder: tuple[Peer, Posted]) -> Settings:
    hosts = f"{settings.federation_allow_http_hosts},{recorder[0].host}"
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)


async def _hidden_with_member(
    services: Services, make: Factory, client: httpx.AsyncClient, peer: Peer, state: str
) -> tuple[Person, dict[str, Any], int]:
    """owner's hidden group "inner" where bo on ``peer`` is invited (``state`` "invited") or
    has joined (invited, then following the group: "joined"); bo's account id last."""
    owner = await make.person("owner")
    group = await create(owner, "inner", privacy="hidden")
    bo = await remote_account(services, peer, "bo")
    invited = await owner.post(f"{GROUPS}/{group['id']}/invitations/{bo}")
    assert invited.status_code == 200, invited.text
    if state == "joined":
        follow = {
            "id": f"{peer.actor('bo')}#follows/inner",
            "type": "Follow",
            "actor": peer.actor("bo"),
            "object": f"{BASE}/users/inner",
        }
        assert (await deliver(client, follow)).status_code == 202
    return owner, group, bo


@pytest.mark.parametrize("state", ["invited", "joined"])
async def test_only_a_members_server_reads_the_hidden_groups_documents(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    state: str,
) -> None:
    near, far = peers
    await _hidden_with_member(services, make, client, near, state)
    await remote_account(services, near, "dan")  # not a member: his server has one
    await remote_account(services, far, "cy")
    for tail in DOCUMENTS:
        path, unknown = f"/users/inner{tail}", f"/users/nobody{tail}"
        nothing = await client.get(unknown, headers=signed_get(unknown, far.actor("cy")))
        assert nothing.status_code == 404, tail
        for headers in (
            AP,
            signed_get(path, far.actor("cy")),
            signed_get(unknown, near.actor("dan")),
        ):
            refused = await client.get(path, headers=headers)
            assert refused.status_code == 404, tail
            assert refused.content == nothing.content, tail
        served = await client.get(path, headers=signed_get(path, near.actor("dan")))
        assert served.status_code == 200, (tail, served.text)
        assert served.headers["cache-control"] == "private"
        assert served.json()["id"].startswith(f"{BASE}/users/inner"), tail
    actor = await client.get("/users/inner", headers=signed_get("/users/inner", near.actor("bo")))
    key = actor.json()["publicKey"]
    assert key["id"] == f"{BASE}/users/inner#main-key"
    assert key["owner"] == f"{BASE}/users/inner"
    assert "BEGIN PUBLIC KEY" in key["publicKeyPem"]
    followers = await client.get(
        "/users/inner/followers", headers=signed_get("/users/inner/followers", near.actor("bo"))
    )
    assert "orderedItems" not in followers.json()  # lists nobody, as any hidden group's
    webfinger = "/.well-known/webfinger?resource=acct:inner@testserver.local"
    assert (await client.get(webfinger)).status_code == 404
    signed_webfinger = await client.get(webfinger, headers=signed_get(webfinger, near.actor("bo")))
    assert signed_webfinger.status_code == 404


async def test_a_banned_accounts_server_or_the_instance_actor_elsewhere_is_refused(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    owner, group, bo = await _hidden_with_member(services, make, client, near, "invited")
    instance = f"{far.base}/actor"
    document = {
        "id": instance,
        "type": "Application",
        "preferredUsername": far.host,
        "inbox": f"{far.base}/inbox",
        "publicKey": {
            "id": f"{instance}#main-key",
            "owner": instance,
            "publicKeyPem": key_pair()[1],
        },
    }
    async with services.db.transaction() as tx:
        await store_actor(tx, actor_columns(document, instance))
    assert (
        await client.get("/users/inner", headers=signed_get("/users/inner", instance))
    ).status_code == 404
    cy = await remote_account(services, far, "cy")
    assert (await owner.post(f"{GROUPS}/{group['id']}/invitations/{cy}")).status_code == 200
    served = await client.get("/users/inner", headers=signed_get("/users/inner", instance))
    assert served.status_code == 200  # an instance actor signs for its server
    banned = await owner.post(f"{GROUPS}/{group['id']}/members/{bo}/ban")
    assert banned.status_code == 200, banned.text
    refused = await client.get("/users/inner", headers=signed_get("/users/inner", near.actor("bo")))
    assert refused.status_code == 404  # a banned account is no member


async def test_a_bad_signature_from_a_members_server_is_a_404(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    await _hidden_with_member(services, make, client, near, "invited")
    forged = signed_get("/users/nobody", near.actor("bo"))  # signed for another path
    assert (await client.get("/users/inner", headers=forged)).status_code == 404
    for authorized_fetch, unsigned in ((True, 401), (False, 404)):
        services.settings = dataclasses.replace(
            services.settings, federation_authorized_fetch=authorized_fetch
        )
        assert (await client.get("/users/inner", headers=AP)).status_code == unsigned
        ok = await client.get("/users/inner", headers=signed_get("/users/inner", near.actor("bo")))
        assert ok.status_code == 200


async def test_the_hidden_groups_announce_is_verified_by_its_members_server(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    recorder: tuple[Peer, Posted],
) -> None:
    peer, posted = recorder
    owner, group, _ = await _hidden_with_member(services, make, client, peer, "joined")
    posted.clear()
    await post_in(owner, group, "only for us")
    (path, headers, body), *_ = [p for p in posted if json.loads(p[2])["type"] == "Announce"]
    assert "only for us" in body.decode()
    presented = present("POST", path, headers, body, base=peer.base, now=now())
    owner_url = key_owner(presented.key_id)
    assert owner_url == f"{BASE}/users/inner"
    key_path = owner_url.removeprefix(BASE)
    assert (await client.get(key_path, headers=AP)).status_code == 404
    # the member's server fetches the key signed (Porina signs as its instance actor)
    fetched = await client.get(key_path, headers=signed_get(key_path, peer.actor("bo")))
    assert fetched.status_code == 200
    assert fetched.json()["publicKey"]["id"] == presented.key_id
    presented.verify(fetched.json()["publicKey"]["publicKeyPem"])
    other = await make.person("other")
    stranger = (await client.get(f"/users/{other.account.username}", headers=AP)).json()
    with pytest.raises(SignatureError):
        presented.verify(stranger["publicKey"]["publicKeyPem"])
