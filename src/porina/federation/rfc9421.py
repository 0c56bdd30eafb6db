"""RFC 9421 HTTP Message Signatures on inbound requests (Mastodon 4.5 sends them to peers
that advertise them and falls back to draft-cavage), with RFC 9530 ``Content-Digest``.

Accepted: a ``Signature-Input`` / ``Signature`` pair (the first label, as Mastodon reads
it), ``alg`` ``rsa-v1_5-sha256`` or ``ed25519`` or none (the key's type decides: PKCS#1
v1.5 with SHA-256 for an RSA key, Ed25519 for an Ed25519 key), ``keyid`` the actor's key id.
Required, as for draft-cavage, before any key is fetched (``present``): the signature covers
``@method`` and ``@target-uri``, and ``content-digest`` when there is a body; ``created`` is
within ``signatures.REPLAY_WINDOW`` of now either way. Then ``verify`` hands the request and
the key to ``http-message-signatures`` (docs/decisions.md), which builds the signature base,
checks the signature, ``expires`` and the ``Content-Digest`` (``sha-256``/``sha-512``)
against the body.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import http_sf
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)

from porina.federation.signatures import REPLAY_WINDOW, SignatureError

ALGORITHMS = frozenset({"rsa-v1_5-sha256", "ed25519"})
NEEDED = ("@method", "@target-uri")


def _malformed(what: str) -> SignatureError:
    return SignatureError(f"{what} is malformed", code="signature_malformed")


@dataclass(frozen=True, slots=True)
class Message:
    """The request as ``http-message-signatures`` reads it."""

    method: str
    url: str
    headers: Mapping[str, str]


def _first(header: str | None, what: str) -> tuple[str, Any, dict[str, Any]]:
    """The first member of a structured-field dictionary: ``(label, value, params)``."""
    try:
        parsed: Any = http_sf.parse((header or "").encode(), tltype="dictionary")
    except (ValueError, UnicodeEncodeError):
        raise _malformed(what) from None
    if not isinstance(parsed, dict) or not parsed:
        raise _malformed(what)
    label, (value, params) = next(iter(parsed.items()))
    return str(label), value, dict(params)


def _covered(value: Any) -> set[str]:
    if not isinstance(value, list):
        raise _malformed("Signature-Input")
    return {str(item) for item, _ in value}


def _check_created(params: Mapping[str, Any], now: datetime) -> None:
    created = params.get("created")
    if not isinstance(created, int) or isinstance(created, bool):
        raise SignatureError("The signature has no created time", code="date_invalid")
    if abs(now.timestamp() - created) > REPLAY_WINDOW.total_seconds():
        raise SignatureError("Date is outside the accepted window", code="date_stale")


@dataclass(frozen=True, slots=True)
class Rfc9421:
    """An RFC 9421 signature that passed the checks ``present`` makes."""

    key_id: str
    label: str
    several: bool
    message: Message
    body: bytes

    def verify(self, public_pem: str) -> None:
        try:
            key = serialization.load_pem_public_key(public_pem.encode())
        except ValueError:
            raise SignatureError("The actor's key is unreadable", code="key_invalid") from None
        if isinstance(key, rsa.RSAPublicKey):
            algorithm: Any = algorithms.RSA_V1_5_SHA256
        elif isinstance(key, ed25519.Ed25519PublicKey):
            algorithm = algorithms.ED25519
        else:
            raise SignatureError("The actor's key is neither RSA nor Ed25519", code="key_invalid")
        resolver = MappingKeyResolver(public_keys={self.key_id: key}, private_keys={})
        verifier = HTTPMessageVerifier(signature_algorithm=algorithm, key_resolver=resolver)
        verifier.max_clock_skew = REPLAY_WINDOW  # ``created`` may be ahead, as Date may
        verifier.allow_label_only_selection = True  # the first label, as Mastodon reads
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                verifier.verify(
                    self.message,
                    max_age=REPLAY_WINDOW,
                    expect_label=self.label if self.several else None,
                    require_components=NEEDED,
                    body=self.body,
                )
        except HTTPMessageSignaturesException:
            raise SignatureError(
                "Signature verification failed", code="signature_invalid"
            ) from None


def present(
    method: str, uri: str, headers: Mapping[str, str], body: bytes, now: datetime
) -> Rfc9421:
    """The request's RFC 9421 signature (``headers`` lower-cased; ``uri`` the target URI as
    this server is reached), checked but for the key."""
    label, value, params = _first(headers.get("signature-input"), "Signature-Input")
    signed_label, raw, _ = _first(headers.get("signature"), "Signature")
    if signed_label != label or not isinstance(raw, bytes):
        raise _malformed("Signature")
    key_id, alg = params.get("keyid"), params.get("alg")
    if not isinstance(key_id, str) or not key_id:
        raise _malformed("Signature-Input")
    if alg is not None and alg not in ALGORITHMS:
        raise SignatureError("Unsupported signature algorithm", code="signature_algorithm")
    covered = _covered(value)
    if not set(NEEDED) <= covered or (body and "content-digest" not in covered):
        raise SignatureError("Signature does not cover the needed headers", code="signature_scope")
    _check_created(params, now)
    several = "," in headers.get("signature-input", "")
    message = Message(method.upper(), uri, dict(headers))
    return Rfc9421(key_id, label, several, message, body)
