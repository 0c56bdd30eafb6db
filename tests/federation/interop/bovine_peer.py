"""A remote server whose signature checks are bovine's own, for the interop tests: run with
the interop environment's Python (``.venv-interop``, made by ``make install``: bovine pins
an older ``cryptography`` than Porina, so it cannot share Porina's environment).

``python bovine_peer.py PORT`` serves, on 127.0.0.1:PORT, an actor ``/users/bob`` (RSA key
made at start) and its inbox. Every request is passed to bovine's ``SignatureChecker``
(draft-cavage and RFC 9421, digest, date), whose key retriever fetches the ``keyId``'s actor
from the signer over HTTP; ``GET /results`` answers what was seen: method, path and the
actor bovine verified the request as (null when it did not verify).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from aiohttp import ClientSession, web
from bovine.crypto.signature_checker import SignatureChecker
from bovine.crypto.types import CryptographicIdentifier
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AP = "application/activity+json"


def actor(base: str, public_pem: str) -> dict[str, Any]:
    me = f"{base}/users/bob"
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": me,
        "type": "Person",
        "preferredUsername": "bob",
        "inbox": f"{me}/inbox",
        "outbox": f"{me}/outbox",
        "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": public_pem},
    }


def main(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    seen: list[dict[str, Any]] = []
    sessions: list[ClientSession] = []

    async def key_retriever(key_id: str) -> CryptographicIdentifier | None:
        if not sessions:
            sessions.append(ClientSession())
        owner = key_id.split("#", maxsplit=1)[0]
        async with sessions[0].get(owner, headers={"Accept": AP}) as answer:
            document = await answer.json(content_type=None)
        found = document["publicKey"]
        return CryptographicIdentifier.from_pem(found["publicKeyPem"], found["owner"])

    checker = SignatureChecker(key_retriever)

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/results":
            return web.json_response(seen)
        body = await request.read()

        async def get_body() -> bytes:
            return body

        signer = await checker.validate_signature(
            request.method, str(request.url), request.headers, get_body
        )
        seen.append({"method": request.method, "path": request.path, "signer": signer})
        if request.method == "GET" and request.path == "/users/bob":
            return web.Response(text=json.dumps(actor(base, public_pem)), content_type=AP)
        return web.Response(status=202 if signer else 401)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
