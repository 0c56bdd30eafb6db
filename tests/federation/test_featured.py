"""A remote actor's featured collection: fetched (through the guarded client) when the actor is
fetched, its public posts pinned on its profile here; a followers-only item, another actor's
Note and one off the actor's origin are left out."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from porina.federation.remote import resolve_actor
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .peers import AS_PUBLIC, key_pair, loopback


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
        ("blobcat", f"{base}/blobcat.png")
    ]
