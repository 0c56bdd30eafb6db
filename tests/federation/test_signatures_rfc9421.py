"""RFC 9421 HTTP Message Signatures on the inbox: a signature made by another implementation
(``http-message-signatures``' signer) and one built by hand from the RFC's rules verify, with
RSA and Ed25519 keys; every tampering and every missing part is refused with its code."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from porina.core.clock import now
from porina.federation import rfc9421
from porina.federation.keys import new_key_pair
from porina.federation.signatures import SignatureError
from porina.services import Services

from ..factories import Factory
from .peers import Peer, key_pair, remote_account

URL = "http://testserver.local/inbox"
BODY = b'{"type":"Follow"}'
KEY_ID = "https://a.example/users/al#main-key"
COVERED = ("@method", "@target-uri", "content-digest")


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


def rsa_signed(
    body: bytes | None = BODY,
    *,
    covered: tuple[str, ...] = COVERED,
    created: datetime | None = None,
) -> dict[str, str]:
    """Headers signed by ``http-message-signatures`` with the test RSA key (with
    ``Content-Digest``, covered, unless ``body`` is None)."""
    private = key_pair()[0].encode()
    request = Request("POST", URL)
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: private}),
    )
    signer.sign(
        request,
        key_id=KEY_ID,
        created=created or now(),
        label="sig1",
        covered_component_ids=covered,
        body=body,
    )
    return {k.lower(): v for k, v in request.headers.items()}


def check(headers: dict[str, str], body: bytes = BODY, public_pem: str | None = None) -> str:
    presented = rfc9421.present("POST", URL, headers, body, now())
    presented.verify(public_pem or key_pair()[1])
    return presented.key_id


@cache
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def ed_public_pem() -> str:
    public = (
        ed_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return public.decode()


def by_hand(body: bytes = BODY) -> dict[str, str]:
    """An Ed25519 signature with its base written out as RFC 9421 section 2.5 says."""
    digest = f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"
    params = (
        '("@method" "@target-uri" "content-digest")'
        f';created={int(now().timestamp())};keyid="{KEY_ID}";alg="ed25519"'
    )
    base = (
        f'"@method": POST\n"@target-uri": {URL}\n"content-digest": {digest}\n'
        f'"@signature-params": {params}'
    )
    signature = base64.b64encode(ed_key().sign(base.encode())).decode()
    return {
        "content-digest": digest,
        "signature-input": f"sig1={params}",
        "signature": f"sig1=:{signature}:",
    }


def test_another_implementations_signature_verifies_and_names_its_key() -> None:
    assert check(rsa_signed()) == KEY_ID


def test_an_ed25519_signature_built_by_the_rfc_verifies() -> None:
    assert check(by_hand(), public_pem=ed_public_pem()) == KEY_ID


def _refused(code: str, headers: dict[str, str], body: bytes = BODY, pem: str = "") -> None:
    with pytest.raises(SignatureError) as caught:
        check(headers, body, pem or None)
    assert caught.value.code == code


def test_tampering_and_missing_parts_are_refused() -> None:
    good = rsa_signed()
    _refused("signature_invalid", good, b'{"type":"Delete"}')  # the body changed
    _refused("signature_invalid", good, pem=new_rsa_public())  # another key
    _refused("signature_invalid", by_hand(), pem=key_pair()[1])  # an RSA key for ed25519
    _refused("signature_scope", rsa_signed(None, covered=("@method", "@target-uri")))
    _refused("signature_scope", rsa_signed(covered=("@method", "content-digest")))
    stale = rsa_signed(created=now() - timedelta(hours=13))
    _refused("date_stale", stale)
    _refused("signature_malformed", {**good, "signature": "other=:AAAA:"})
    _refused("signature_malformed", {**good, "signature-input": "garbage(("})
    pss = good["signature-input"].replace("rsa-v1_5-sha256", "rsa-pss-sha512")
    _refused("signature_algorithm", {**good, "signature-input": pss})
    no_created = good["signature-input"].split(";created=")[0] + f';keyid="{KEY_ID}"'
    _refused("date_invalid", {**good, "signature-input": no_created})


@cache
def new_rsa_public() -> str:
    return new_key_pair()[1]


async def test_the_inbox_accepts_an_rfc_9421_delivery_from_its_actor(
    make: Factory, client: httpx.AsyncClient, services: Services, peers: tuple[Peer, Peer]
) -> None:
    aino = await make.person("aino")
    await remote_account(services, peers[0], "bo")
    bo = peers[0].actor("bo")
    follow = {
        "id": f"{bo}#follows/9",
        "type": "Follow",
        "actor": bo,
        "object": f"{URL[:-6]}/users/aino",
    }
    body = json.dumps(follow).encode()
    private = key_pair()[0].encode()
    request = Request("POST", URL, {"Content-Type": "application/activity+json"})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={f"{bo}#main-key": private}),
    )
    signer.sign(
        request, key_id=f"{bo}#main-key", created=now(), covered_component_ids=COVERED, body=body
    )
    response = await client.post("/inbox", content=body, headers=request.headers)
    assert response.status_code == 202, response.text
    followers = (await aino.get(f"/api/v1/accounts/{aino.id}/followers")).json()
    assert [f["acct"] for f in followers] == [f"bo@{peers[0].host}"]
    forged = {**follow, "actor": peers[0].actor("cy"), "id": f"{peers[0].actor('cy')}#f/1"}
    body = json.dumps(forged).encode()
    request = Request("POST", URL)
    signer.sign(
        request, key_id=f"{bo}#main-key", created=now(), covered_component_ids=COVERED, body=body
    )
    refused = await client.post("/inbox", content=body, headers=request.headers)
    assert refused.status_code == 403
