"""Remote servers for in-process federation tests: each is a real HTTP server on loopback
that records what is delivered to it (the app reaches it over plain http because the test
settings name it in ``federation_allow_http_hosts``), with actors whose keys the test holds,
so the test can sign deliveries to Porina's inbox as those actors. ``Server`` is such a peer
that also serves documents; a test module takes its fixtures (``server``, ``remote`` and the
``settings`` that let the app reach it) by importing them: here, not in ``conftest.py``, so
only the modules that use it start one."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from porina.core.clock import now
from porina.federation.keys import new_key_pair
from porina.federation.remote import actor_columns, store_actor
from porina.federation.signatures import sign_request
from porina.services import Services
from porina.settings import Settings

BASE = "http://testserver.local"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@cache
def key_pair() -> tuple[str, str]:
    """One key for every test actor (making RSA keys is slow; each actor is still its own)."""
    return new_key_pair()


@dataclass
class Peer:
    """A remote server: ``received`` holds ``(inbox path, activity)`` of each delivery."""

    server: ThreadingHTTPServer
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def actor(self, name: str) -> str:
        return f"{self.base}/users/{name}"

    def to(self, path: str) -> list[dict[str, Any]]:
        return [activity for where, activity in self.received if where == path]

    def of_type(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(p, a) for p, a in self.received if a.get("type") == kind]

    def document(self, name: str) -> dict[str, Any]:
        me = self.actor(name)
        return {
            "id": me,
            "type": "Person",
            "preferredUsername": name,
            "inbox": f"{me}/inbox",
            "followers": f"{me}/followers",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": key_pair()[1]},
        }


def loopback(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """An HTTP server on a free loopback port, serving ``handler`` from a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_peer() -> Peer:
    holder: list[Peer] = []

    class Inbox(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            holder[0].received.append((self.path, json.loads(body)))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    holder.append(Peer(loopback(Inbox)))
    return holder[0]


async def remote_account(services: Services, peer: Peer, name: str) -> int:
    """Store ``name`` on ``peer`` as a known remote account (as a fetch would); its id."""
    doc = peer.document(name)
    async with services.db.transaction() as tx:
        account = await store_actor(tx, actor_columns(doc, doc["id"]))
        return account.id


async def deliver(
    client: httpx.AsyncClient, activity: dict[str, Any], *, path: str = "/inbox", signer: str = ""
) -> httpx.Response:
    """POST ``activity`` to Porina's inbox signed with the key of ``signer`` (default: its
    ``actor``)."""
    body = json.dumps(activity).encode()
    key_id = f"{signer or activity['actor']}#main-key"
    headers = sign_request(
        "POST", f"{BASE}{path}", key_id=key_id, private_pem=key_pair()[0], body=body, when=now()
    )
    headers["Content-Type"] = "application/activity+json"
    return await client.post(path, content=body, headers=headers)


def note(
    peer: Peer,
    author: str,
    number: int,
    content: str,
    *,
    to: list[str],
    cc: tuple[str, ...] | list[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """A Create of a Note by ``author`` on ``peer``."""
    actor = peer.actor(author)
    obj = {
        "id": f"{actor}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor,
        "content": content,
        "to": to,
        "cc": list(cc),
        **extra,
    }
    return {
        "id": f"{obj['id']}/activity",
        "type": "Create",
        "actor": actor,
        "to": to,
        "cc": list(cc),
        "object": obj,
    }


class Server(Peer):
    """A peer that also answers GETs: ``docs`` maps a path to ``(content type, body)``;
    ``gets`` records ``(path, headers)`` of each GET."""

    docs: dict[str, tuple[str, bytes]]
    gets: list[tuple[str, dict[str, str]]]

    def serve(self, path: str, doc: dict[str, Any] | str, kind: str = "") -> None:
        if isinstance(doc, str):
            self.docs[path] = (kind or "text/html", doc.encode())
        else:
            self.docs[path] = (kind or "application/activity+json", json.dumps(doc).encode())

    def serve_actor(self, name: str) -> None:
        self.serve(f"/users/{name}", self.document(name))

    def post(self, author: str, number: int, content: str, **extra: Any) -> dict[str, Any]:
        """A public Note served at its id; the Note."""
        obj: dict[str, Any] = note(self, author, number, content, to=[AS_PUBLIC], **extra)["object"]
        self.serve(f"/users/{author}/statuses/{number}", obj)
        return obj


def start_server() -> Server:
    holder: list[Server] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            me = holder[0]
            me.gets.append((self.path, dict(self.headers)))
            kind, body = me.docs.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in me.docs else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            holder[0].received.append((self.path, json.loads(body)))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    holder.append(Server(loopback(Handler)))
    holder[0].docs, holder[0].gets = {}, []
    return holder[0]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    remote = start_server()
    yield remote
    remote.server.shutdown()


@pytest.fixture
def remote(server: Server) -> Server:
    server.docs.clear()
    server.gets.clear()
    server.received.clear()
    return server


@pytest.fixture
def settings(settings: Settings, server: Server) -> Settings:
    hosts = ",".join(filter(None, [settings.federation_allow_http_hosts, server.host]))
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)


def signed_get(path: str, signer: str) -> dict[str, str]:
    """ActivityPub headers of a GET of ``path`` here, signed by ``signer`` (every test actor
    has the one test key)."""
    headers = sign_request(
        "GET",
        f"{BASE}{path}",
        key_id=f"{signer}#main-key",
        private_pem=key_pair()[0],
        body=None,
        when=now(),
    )
    return {"Accept": "application/activity+json", **headers}
