"""Remote servers for in-process federation tests: each is a real HTTP server on loopback
that records what is delivered to it (the app reaches it over plain http because the test
settings name it in ``federation_allow_http_hosts``), with actors whose keys the test holds,
so the test can sign deliveries to Porina's inbox as those actors."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from porina.core.clock import now
from porina.federation.keys import new_key_pair
from porina.federation.remote import actor_columns, store_actor
from porina.federation.signatures import sign_request
from porina.services import Services

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
