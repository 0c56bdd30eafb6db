"""A Web Push subscriber for tests: a browser's key pair (p256dh, auth) made here, a push
service on 127.0.0.1 that records what it receives, and the receiving side of the protocol —
decrypting a message (RFC 8291 ``aes128gcm`` written out here from the RFC with
``cryptography``'s primitives, so it checks Porina's encryption independently; the legacy
``aesgcm`` draft through ``http_ece``) and verifying the VAPID token (RFC 8292) against the
instance's ``server_key``."""

from __future__ import annotations

import base64
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import http_ece  # type: ignore[import-untyped,unused-ignore]
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..http.server import Exchange, Received


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    text = text.replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


@dataclass
class Browser:
    """The user agent's side: its P-256 key pair and 16-byte auth secret."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def keys(self) -> dict[str, str]:
        return {"p256dh": b64(self.public), "auth": b64(self.auth)}

    def decrypt(self, request: Received) -> dict[str, Any]:
        """The JSON a push message carries, decrypted as a browser would."""
        encoding = request.headers["content-encoding"]
        if encoding == "aes128gcm":
            return json.loads(self._aes128gcm(request.body))
        assert encoding == "aesgcm", encoding
        salt = unb64(request.headers["encryption"].removeprefix("salt="))
        crypto_key = dict(part.split("=", 1) for part in request.headers["crypto-key"].split(";"))
        plain = http_ece.decrypt(
            request.body,
            salt=salt,
            private_key=self.private,
            dh=unb64(crypto_key["dh"]),
            auth_secret=self.auth,
            version="aesgcm",
        )
        return json.loads(plain)

    def _aes128gcm(self, body: bytes) -> bytes:
        """RFC 8188 header (salt, rs, keyid = the sender's key) then RFC 8291's key schedule;
        one record, ending with the 0x02 delimiter."""
        salt, rs, idlen = body[:16], struct.unpack("!L", body[16:20])[0], body[20]
        sender = body[21 : 21 + idlen]
        records = body[21 + idlen :]
        assert len(records) <= rs
        shared = self.private.exchange(
            ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender)
        )
        ikm = _hkdf(self.auth, shared, b"WebPush: info\x00" + self.public + sender, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, records, None)
        text = padded.rstrip(b"\x00")
        assert text.endswith(b"\x02"), "the last record ends with the 0x02 delimiter"
        return text[:-1]


def vapid_claims(request: Received, server_key: str) -> dict[str, Any]:
    """The VAPID token's claims, after checking its ES256 signature against ``server_key``
    (raises ``InvalidSignature`` otherwise) and that the header names that key."""
    authorization = request.headers["authorization"]
    if authorization.startswith("vapid "):
        fields = dict(part.strip().split("=", 1) for part in authorization[6:].split(","))
        token, key = fields["t"], fields["k"]
    else:
        assert authorization.startswith("WebPush "), authorization
        token = authorization.removeprefix("WebPush ")
        crypto_key = dict(part.split("=", 1) for part in request.headers["crypto-key"].split(";"))
        key = crypto_key["p256ecdsa"]
    assert unb64(key) == unb64(server_key)
    head, body, signature = token.split(".")
    assert json.loads(unb64(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(server_key))
    public.verify(
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{head}.{body}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    claims: dict[str, Any] = json.loads(unb64(body))
    return claims


@dataclass
class PushService:
    """Answers each push with ``status`` (201 by default, as push services do)."""

    status: int = 201

    async def __call__(self, exchange: Exchange) -> None:
        await exchange.respond(self.status)
