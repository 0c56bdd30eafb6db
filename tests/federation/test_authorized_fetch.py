"""Signed fetches and authorized-fetch mode: Porina signs every GET of a document as its
instance actor, and with ``federation_authorized_fetch`` on serves documents only to a valid
signature from a domain it federates with; followers-only posts only to those who may see
them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest

from porina.federation import domain_blocks, domains
from porina.federation.remote import resolve_actor
from porina.federation.signatures import parse_signature, verify_signature
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .peers import Peer, deliver, loopback, remote_account, signed_get

AP = {"Accept": "application/activity+json"}
BASE = "http://testserver.local"
Recorded = tuple[Peer, list[dict[str, str]]]


@pytest.fixture
def actor_server() -> Iterator[Recorded]:
    """A remote server that serves actor documents (``/users/NAME``) and records each GET's
    headers."""
    seen: list[dict[str, str]] = []
    holder: list[Peer] = []

    class Actors(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
            body = json.dumps(holder[0].document(self.path.rsplit("/", 1)[-1])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    holder.append(Peer(loopback(Actors)))
    yield holder[0], seen
    holder[0].server.shutdown()


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    """The suspension below must not outlive its test (the domains' state is per process)."""
    domains.forget()
    yield
    domains.forget()


@pytest.fixture
def settings(settings: Settings, actor_server: Recorded) -> Settings:
    hosts = f"{settings.federation_allow_http_hosts},{actor_server[0].host}"
    return dataclasses.replace(
        settings, federation_authorized_fetch=True, federation_allow_http_hosts=hosts
    )


async def test_documents_need_a_signature_but_discovery_and_the_instance_actor_do_not(
    make: Factory, client: httpx.AsyncClient, services: Services, peers: tuple[Peer, Peer]
) -> None:
    await make.person("aino")
    bo = peers[0].actor("bo")
    await remote_account(services, peers[0], "bo")
    for path in ("/users/aino", "/users/aino/outbox", "/users/aino/followers"):
        refused = await client.get(path, headers=AP)
        assert refused.status_code == 401, path
        assert refused.json() == {"error": "Request not signed"}
        assert (await client.get(path, headers=signed_get(path, bo))).status_code == 200, path
    webfinger = "/.well-known/webfinger?resource=acct:aino@testserver.local"
    assert (await client.get(webfinger)).status_code == 200
    instance = await client.get("/actor", headers=AP)
    assert instance.status_code == 200
    body = instance.json()
    assert body["type"] == "Application" and body["id"] == f"{BASE}/actor"
    assert body["publicKey"]["owner"] == body["id"]


async def test_a_bad_signature_or_a_suspended_domain_is_refused(
    make: Factory, client: httpx.AsyncClient, services: Services, peers: tuple[Peer, Peer]
) -> None:
    await make.person("aino")
    bo = peers[0].actor("bo")
    await remote_account(services, peers[0], "bo")
    forged = await client.get("/users/aino/outbox", headers=signed_get("/users/aino", bo))
    assert forged.status_code == 401  # signed for another path
    async with services.db.transaction() as tx:
        await domain_blocks.create(tx, peers[0].host, domain_blocks.BlockFields("suspend"))
    blocked = await client.get("/users/aino", headers=signed_get("/users/aino", bo))
    assert blocked.status_code == 401


async def test_a_followers_only_post_is_served_to_a_follower_alone(
    make: Factory, client: httpx.AsyncClient, services: Services, peers: tuple[Peer, Peer]
) -> None:
    aino = await make.person("aino")
    for name in ("bo", "cy"):
        await remote_account(services, peers[0], name)
    follow = {
        "id": f"{peers[0].actor('bo')}#follows/1",
        "type": "Follow",
        "actor": peers[0].actor("bo"),
        "object": f"{BASE}/users/aino",
    }
    assert (await deliver(client, follow)).status_code == 202
    status = (await aino.status("for my followers", visibility="private"))["id"]
    path = f"/users/aino/statuses/{status}"
    for authorized_fetch in (True, False):  # the same in either mode
        services.settings = dataclasses.replace(
            services.settings, federation_authorized_fetch=authorized_fetch
        )
        seen = await client.get(path, headers=signed_get(path, peers[0].actor("bo")))
        assert seen.status_code == 200
        assert "for my followers" in seen.json()["content"]
        assert seen.headers["cache-control"] == "private"
        stranger = await client.get(path, headers=signed_get(path, peers[0].actor("cy")))
        assert stranger.status_code == 404
    assert (await client.get(path, headers=AP)).status_code == 404
    forged = signed_get("/users/aino", peers[0].actor("bo"))  # for another path
    assert (await client.get("/users/aino/outbox", headers=forged)).status_code == 200


async def test_porina_signs_its_fetches_as_the_instance_actor(
    client: httpx.AsyncClient, services: Services, actor_server: Recorded
) -> None:
    peer, seen = actor_server
    account = await resolve_actor(services.db, services.outbound, peer.actor("eve"))
    assert account.username == "eve"
    (request,) = seen
    sig = parse_signature(request["signature"])
    assert sig.key_id == f"{BASE}/actor#main-key"
    assert sig.headers == ("(request-target)", "host", "date")
    instance = (await client.get("/actor", headers=AP)).json()
    verify_signature(
        sig,
        method="GET",
        target="/users/eve",
        headers=request,
        public_pem=instance["publicKey"]["publicKeyPem"],
    )
