"""A remote actor's featured collection: fetched (through the guarded client) when the actor is
fetched, its public posts pinned on its profile here; a followers-only item, another actor's
Note and one off the actor's origin are left out. Its ``Add``/``Remove`` pin and unpin one
post; a local account's pin or unpin of a public or unlisted post sends them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from porina.federation import media_proxy
from porina.federation.remote import resolve_actor
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .peers import AS_PUBLIC, BASE, Peer, deliver, key_pair, loopback, remote_account


@pytest.fixture(scope="module")
def origin() -> Iterator[tuple[ThreadingHTTPServer, dict[str, Any]]]:
    documents: dict[str, Any] = {}

    class Documents(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = documents.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/activity+json")
            self.end_headers()
            self.wfile.write(json.dumps(body).encode() if body is not None else b"{}")

        def log_message(self, *args: Any) -> None:
            return

    server = loopback(Documents)
    yield server, documents
    server.shutdown()


@pytest.fixture
def settings(settings: Settings, origin: tuple[ThreadingHTTPServer, dict[str, Any]]) -> Settings:
    host = f"127.0.0.1:{origin[0].server_address[1]}"
    hosts = f"{settings.federation_allow_http_hosts},{host}"
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)


def _note(actor: str, number: int, to: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{actor}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor,
        "content": f"<p>pinned {number}</p>",
        "to": to,
        **extra,
    }


async def test_a_remote_actors_pinned_posts_show_pinned_on_its_profile(
    services: Services,
    make: Factory,
    origin: tuple[ThreadingHTTPServer, dict[str, Any]],
) -> None:
    server, documents = origin
    base = f"http://127.0.0.1:{server.server_address[1]}"
    actor = f"{base}/users/bo"
    featured = f"{actor}/collections/featured"
    documents["/users/bo"] = {
        "id": actor,
        "type": "Person",
        "preferredUsername": "bo",
        "name": "Bo :blobcat:",
        "tag": [{"type": "Emoji", "name": ":blobcat:", "icon": {"url": f"{base}/blobcat.png"}}],
        "inbox": f"{actor}/inbox",
        "featured": featured,
        "publicKey": {"id": f"{actor}#main-key", "owner": actor, "publicKeyPem": key_pair()[1]},
    }
    documents["/users/bo/statuses/2"] = _note(actor, 2, [AS_PUBLIC])
    documents["/users/bo/collections/featured"] = {
        "id": featured,
        "type": "OrderedCollection",
        "orderedItems": [
            _note(actor, 1, [AS_PUBLIC]),
            f"{actor}/statuses/2",  # by its id: fetched
            _note(actor, 3, [f"{actor}/followers"]),  # followers-only: not shown as pinned
            _note(f"{base}/users/cy", 4, [AS_PUBLIC]),  # another actor's
        ],
    }
    eki = await make.person("eki")
    bo = await resolve_actor(services.db, services.outbound, actor)
    await services.runner.drain()
    pinned = (await eki.get(f"/api/v1/accounts/{bo.id}/statuses?pinned=true")).json()
    assert sorted(s["uri"] for s in pinned) == [f"{actor}/statuses/1", f"{actor}/statuses/2"]
    assert all(s["content"].startswith("<p>pinned") for s in pinned)
    shown = (await eki.get(f"/api/v1/accounts/{bo.id}")).json()  # the actor's custom emoji
    assert [(e["shortcode"], e["url"]) for e in shown["emojis"]] == [
        (
            "blobcat",
            media_proxy.proxy_url(services.settings, f"{base}/blobcat.png", media_proxy.EMOJI),
        )
    ]


async def test_add_and_remove_pin_and_unpin_a_remote_actors_post(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    origin: tuple[ThreadingHTTPServer, dict[str, Any]],
) -> None:
    server, documents = origin
    actor = f"http://127.0.0.1:{server.server_address[1]}/users/dia"
    featured = f"{actor}/collections/featured"
    documents["/users/dia"] = {
        "id": actor,
        "type": "Person",
        "preferredUsername": "dia",
        "inbox": f"{actor}/inbox",
        "featured": featured,
        "publicKey": {"id": f"{actor}#main-key", "owner": actor, "publicKeyPem": key_pair()[1]},
    }
    documents["/users/dia/collections/featured"] = {"type": "OrderedCollection", "orderedItems": []}
    for number, to in ((5, AS_PUBLIC), (6, f"{actor}/followers"), (7, AS_PUBLIC)):
        documents[f"/users/dia/statuses/{number}"] = _note(actor, number, [to])
    eki = await make.person("eki")
    dia = await resolve_actor(services.db, services.outbound, actor)
    await services.runner.drain()  # its (empty) featured collection read

    async def change(kind: str, number: int, target: str = featured) -> list[str]:
        activity = {
            "id": f"{actor}#{kind}/{number}",
            "type": kind,
            "actor": actor,
            "object": f"{actor}/statuses/{number}",
            "target": target,
        }
        assert (await deliver(client, activity)).status_code == 202
        await services.runner.drain()
        pinned = await eki.get(f"/api/v1/accounts/{dia.id}/statuses?pinned=true")
        return [s["uri"] for s in pinned.json()]

    assert await change("Add", 5) == [f"{actor}/statuses/5"]  # fetched, stored, pinned
    assert await change("Add", 6) == [f"{actor}/statuses/5"]  # followers-only: not pinned
    assert await change("Add", 7, f"{actor}/collections/other") == [f"{actor}/statuses/5"]
    assert await change("Remove", 5) == []


async def test_pinning_a_public_post_sends_add_and_unpinning_remove(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    follow = {"id": f"{near.actor('bo')}#f/1", "type": "Follow", "actor": near.actor("bo")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    post = await aino.status("read me first", visibility="unlisted")
    private = await aino.status("friends only", visibility="private")
    near.received.clear()
    for status in (post, private):
        assert (await aino.post(f"/api/v1/statuses/{status['id']}/pin")).status_code == 200
    assert (await aino.post(f"/api/v1/statuses/{post['id']}/unpin")).status_code == 200
    await services.runner.drain()
    sent = [(a["type"], a["object"], a["target"]) for _, a in near.received]
    featured = f"{BASE}/users/aino/collections/featured"
    assert sent == [("Add", post["uri"], featured), ("Remove", post["uri"], featured)]
    assert far.received == []
