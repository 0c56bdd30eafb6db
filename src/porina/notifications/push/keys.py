"""The instance's VAPID key pair (RFC 8292) and what is signed or sealed with keys.

The pair is made once, on first need, and kept in ``web_push_keys`` (one row): every process
and every restart signs with the same key, which is what push services check against the
``applicationServerKey`` a subscription was made with. Two processes making it at once
both insert with ``ON CONFLICT DO NOTHING`` and read back the one row that won.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import weakref
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from porina.core.clock import now
from porina.notifications.push.models import WebPushKey
from porina.storage.db import Database, insert_if_absent

JWT_LIFETIME = 24 * 3600
"""Seconds a VAPID token is valid (RFC 8292 allows at most 24 hours; Mastodon uses 24)."""


def b64url(data: bytes, *, pad: bool = False) -> str:
    text = base64.urlsafe_b64encode(data).decode("ascii")
    return text if pad else text.rstrip("=")


def unb64url(text: str) -> bytes:
    """Base64url or standard base64, padded or not (clients send all of these)."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    """The uncompressed point (65 bytes), as Web Push writes P-256 keys."""
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@dataclass(frozen=True, slots=True)
class VapidKeys:
    private: ec.EllipticCurvePrivateKey
    public_key: str
    """base64url of the uncompressed point, padded: Mastodon's ``server_key``/``vapid_key``."""

    @property
    def header_key(self) -> str:
        """The public key as the ``k=`` of the Authorization header: unpadded base64url."""
        return self.public_key.rstrip("=")

    def token(self, endpoint: str, subject: str, *, at: float | None = None) -> str:
        """An ES256 JWT for the push service of ``endpoint``: ``aud`` its origin, ``exp``
        in 24 hours, ``sub`` the instance's contact."""
        parts = urlsplit(endpoint)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int((time.time() if at is None else at) + JWT_LIFETIME),
            "sub": subject,
        }
        head = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
        body = b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{head}.{body}".encode("ascii")
        r, s = decode_dss_signature(self.private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return f"{head}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def new_pair() -> tuple[str, str]:
    """A fresh P-256 key pair: (PKCS#8 PEM of the private key, Mastodon-style public key)."""
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return pem, b64url(public_bytes(private.public_key()), pad=True)


def _load(pem: str, public_key: str) -> VapidKeys:
    private = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise ValueError("web_push_keys holds a key that is not an elliptic-curve key")
    return VapidKeys(private, public_key)


_CACHE: weakref.WeakKeyDictionary[Database, VapidKeys] = weakref.WeakKeyDictionary()


async def vapid_keys(db: Database) -> VapidKeys:
    """The instance's key pair: read once per process (it never changes), made on first
    need."""
    cached = _CACHE.get(db)
    if cached is not None:
        return cached
    async with db.read() as session:
        row = await session.get(WebPushKey, 1)
        found = None if row is None else (row.private_pem, row.public_key)
    if found is None:
        pem, public_key = new_pair()
        async with db.transaction() as tx:
            values = {"id": 1, "private_pem": pem, "public_key": public_key, "created_at": now()}
            await insert_if_absent(tx.session, WebPushKey, values, unique=("id",))
            stored = (
                await tx.session.execute(
                    select(WebPushKey.private_pem, WebPushKey.public_key).where(WebPushKey.id == 1)
                )
            ).one()
            found = (stored[0], stored[1])
    keys = _load(*found)
    _CACHE[db] = keys
    return keys


def _sealing_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"porina web push token")
    return hkdf.derive(hashlib.sha256(secret.encode("utf-8")).digest())


def seal(secret: str, token: str) -> str:
    """``token`` encrypted (AES-256-GCM) under a key derived from the instance secret."""
    nonce = os.urandom(12)
    sealed = AESGCM(_sealing_key(secret)).encrypt(nonce, token.encode("utf-8"), None)
    return b64url(nonce + sealed)


def unseal(secret: str, sealed: str) -> str | None:
    """The token ``seal`` hid, or None when the secret has changed since."""
    raw = unb64url(sealed)
    try:
        return AESGCM(_sealing_key(secret)).decrypt(raw[:12], raw[12:], None).decode("utf-8")
    except (InvalidTag, ValueError):
        return None
