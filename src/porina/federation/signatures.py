"""HTTP signatures as Mastodon speaks them (draft-cavage-http-signatures-12, ``rsa-sha256``).

Signing covers ``(request-target) host date`` and ``digest`` when there is a body; the
``Digest`` header is ``SHA-256=<base64>`` (RFC 3230). Verifying checks, in order: the
``Signature`` header parses and names ``rsa-sha256`` (or ``hs2019``, which peers send for the
same thing); it covers ``(request-target)``, ``host`` and ``date`` (and ``digest`` for a
body); the ``Digest`` matches the body; ``Date`` is inside the replay window; the RSA
signature is good under the key the caller fetched for ``keyId``. Each refusal is a
``SignatureError`` with a code; the inbox answers 401 for all of them.

RSA itself is ``cryptography``'s (docs/decisions.md says why the draft-cavage layer is here).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from porina.core.errors import Unauthorized

REPLAY_WINDOW = timedelta(hours=12)
"""How far ``Date`` may be from now, either way: Mastodon's window (12 hours), which
tolerates peers whose clocks drift and deliveries that wait in a retry queue."""
ALGORITHMS = frozenset({"rsa-sha256", "hs2019"})
_PARAM = re.compile(r'\s*([a-zA-Z]+)="([^"]*)"\s*(?:,|$)')


class SignatureError(Unauthorized):
    """An inbound request whose signature is missing, malformed, stale or wrong."""


@dataclass(frozen=True, slots=True)
class ParsedSignature:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes


class Presented(Protocol):
    """A signature (draft-cavage or RFC 9421) that passed every check but the key's:
    ``verify`` takes the PEM of the key ``key_id`` names and raises ``SignatureError``."""

    @property
    def key_id(self) -> str: ...

    def verify(self, public_pem: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Cavage:
    """A draft-cavage signature, checked (``check_request``), with what ``verify`` needs."""

    sig: ParsedSignature
    method: str
    target: str
    headers: Mapping[str, str]

    @property
    def key_id(self) -> str:
        return self.sig.key_id

    def verify(self, public_pem: str) -> None:
        verify_signature(
            self.sig,
            method=self.method,
            target=self.target,
            headers=self.headers,
            public_pem=public_pem,
        )


def present_cavage(
    method: str, target: str, headers: Mapping[str, str], body: bytes, now: datetime
) -> Cavage:
    """The draft-cavage signature of a request (``headers`` lower-cased), checked but for
    the key."""
    sig = parse_signature(headers.get("signature"))
    check_request(sig, headers=headers, body=body, now=now)
    return Cavage(sig, method, target, headers)


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign_request(
    method: str, url: str, *, key_id: str, private_pem: str, body: bytes | None, when: datetime
) -> dict[str, str]:
    """The headers to add to a request: ``Host``, ``Date``, ``Digest`` (with a body) and
    ``Signature``."""
    parts = urlsplit(url)
    headers = {"host": parts.netloc, "date": format_datetime(when, usegmt=True)}
    if body is not None:
        headers["digest"] = digest_header(body)
    target = f"{method.lower()} {parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    names = ("(request-target)", *headers)
    text = _signing_string(names, {**headers, "(request-target)": target})
    raw = _private_key(private_pem).sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(raw).decode()}"'
    )
    return {name.title(): value for name, value in headers.items()}


@lru_cache(maxsize=256)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """The loaded key, kept: loading a PEM checks the RSA key, which costs far more than
    signing (about 100 ms against 2 ms on a busy 2-core machine)."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys sign")
    return key


def parse_signature(header: str | None) -> ParsedSignature:
    if not header:
        raise SignatureError("Request not signed", code="signature_missing")
    params: dict[str, str] = {}
    pos = 0
    while pos < len(header):
        match = _PARAM.match(header, pos)
        if match is None:
            raise SignatureError("Signature header is malformed", code="signature_malformed")
        params[match.group(1).lower()] = match.group(2)
        pos = match.end()
    try:
        raw = base64.b64decode(params["signature"], validate=True)
        key_id = params["keyid"]
    except (KeyError, ValueError):
        raise SignatureError("Signature header is malformed", code="signature_malformed") from None
    algorithm = params.get("algorithm", "hs2019").lower()
    names = tuple(params.get("headers", "date").lower().split())
    return ParsedSignature(key_id, algorithm, names, raw)


def check_request(
    sig: ParsedSignature, *, headers: Mapping[str, str], body: bytes, now: datetime
) -> None:
    """Everything but the RSA check: algorithm, covered headers, digest and date."""
    if sig.algorithm not in ALGORITHMS:
        raise SignatureError("Unsupported signature algorithm", code="signature_algorithm")
    needed = {"(request-target)", "host", "date"} | ({"digest"} if body else set())
    if not needed <= set(sig.headers):
        raise SignatureError("Signature does not cover the needed headers", code="signature_scope")
    if body and not _digest_matches(headers.get("digest", ""), body):
        raise SignatureError("Digest does not match the body", code="digest_mismatch")
    try:
        sent = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        raise SignatureError("Date header is missing or invalid", code="date_invalid") from None
    if sent.tzinfo is None or abs(now - sent) > REPLAY_WINDOW:
        raise SignatureError("Date is outside the accepted window", code="date_stale")


def _digest_matches(header: str, body: bytes) -> bool:
    """A ``SHA-256`` entry of ``Digest`` matches the body (RFC 3230: the algorithm's name is
    case-insensitive, and bovine sends ``sha-256``; other entries are ignored)."""
    expected = digest_header(body).split("=", 1)[1]
    for entry in header.split(","):
        name, _, value = entry.strip().partition("=")
        if name.lower() == "sha-256" and value == expected:
            return True
    return False


def verify_signature(
    sig: ParsedSignature, *, method: str, target: str, headers: Mapping[str, str], public_pem: str
) -> None:
    values = {k.lower(): v for k, v in headers.items()}
    values["(request-target)"] = f"{method.lower()} {target}"
    if any(name not in values for name in sig.headers):
        raise SignatureError("A signed header is missing", code="signature_scope")
    text = _signing_string(sig.headers, values)
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except ValueError:
        raise SignatureError("The actor's key is unreadable", code="key_invalid") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("The actor's key is not RSA", code="key_invalid")
    try:
        key.verify(sig.signature, text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("Signature verification failed", code="signature_invalid") from None


def _signing_string(names: tuple[str, ...], values: Mapping[str, str]) -> str:
    return "\n".join(f"{name}: {values[name]}" for name in names)
