"""Amazon SNS messages to the bounce webhook, verified before anything is read from them
(docs/api.md, "Newsletter bounce webhook"; AWS: "Verifying the signatures of Amazon SNS
messages").

A message is signed by SNS with the private key of the certificate at ``SigningCertURL``:
``SignatureVersion`` 1 is SHA1withRSA, 2 SHA256withRSA, over the canonical string of the
message's fields (``CANONICAL``: each name and value on its own line, in that order, a field
that is absent left out). The certificate is fetched only from ``https://sns.<region>.
amazonaws.com/…`` (``sns_url``; anything else is refused, so a forged message cannot make
Porina fetch a certificate of its choosing), through the guarded outbound client
(``OutboundClient``, passed in as ``Fetch``: tests hand in their own), and kept per URL
(``CERTIFICATES``). A ``SubscriptionConfirmation`` is confirmed by a GET of its
``SubscribeURL`` (the same host rule), as AWS expects of an HTTPS endpoint.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from porina.http.client import OutboundClient
from porina.http.errors import OutboundError
from porina.newsletter.errors import WebhookSignatureInvalid

Fetch = Callable[[str], Awaitable[bytes]]
"""The body at an https URL (the certificate); ``OutboundError`` when it cannot be had."""

HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com$")
CANONICAL = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
CANONICAL["UnsubscribeConfirmation"] = CANONICAL["SubscriptionConfirmation"]
HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
MAX_CERTIFICATE = 64 * 1024
CERTIFICATES: dict[str, rsa.RSAPublicKey] = {}
"""The public keys of the certificates fetched, per URL (SNS signs with a few at a time)."""
MAX_CACHED = 32


def sns_url(value: Any) -> str:
    """``value`` when it is an https URL on ``sns.<region>.amazonaws.com`` (no port, no
    user), else ``WebhookSignatureInvalid``."""
    if not isinstance(value, str) or len(value) > 2000:
        raise WebhookSignatureInvalid("The SNS message names no certificate or URL of SNS")
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme != "https" or parts.port is not None or parts.username or not HOST.match(host):
        raise WebhookSignatureInvalid("The SNS message names a URL that is not SNS's")
    return value


def canonical(body: Mapping[str, Any]) -> bytes:
    """The string SNS signs: ``name\\nvalue\\n`` for each of the type's fields present."""
    names = CANONICAL.get(str(body.get("Type")))
    if names is None:
        raise WebhookSignatureInvalid("The SNS message's Type is not one SNS signs")
    lines = []
    for name in names:
        value = body.get(name)
        if value is None and name == "Subject":
            continue
        if not isinstance(value, str):
            raise WebhookSignatureInvalid(f"The SNS message has no {name}")
        lines.append(f"{name}\n{value}\n")
    return "".join(lines).encode("utf-8")


async def _public_key(url: str, fetch: Fetch) -> rsa.RSAPublicKey:
    found = CERTIFICATES.get(url)
    if found is not None:
        return found
    pem = await fetch(url)  # OutboundError (502): SNS sends the message again later
    try:
        key = x509.load_pem_x509_certificate(pem).public_key()
    except ValueError:
        raise WebhookSignatureInvalid("The SNS signing certificate could not be read") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise WebhookSignatureInvalid("The SNS signing certificate is not an RSA key")
    if len(CERTIFICATES) >= MAX_CACHED:
        CERTIFICATES.clear()
    CERTIFICATES[url] = key
    return key


async def verify(body: Mapping[str, Any], fetch: Fetch) -> None:
    """Nothing when SNS signed ``body``; ``WebhookSignatureInvalid`` (403) otherwise."""
    algorithm = HASHES.get(str(body.get("SignatureVersion")))
    if algorithm is None:
        raise WebhookSignatureInvalid("The SNS message's SignatureVersion is not 1 or 2")
    url = sns_url(body.get("SigningCertURL"))
    message = canonical(body)
    try:
        signature = base64.b64decode(str(body.get("Signature") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSignatureInvalid("The SNS message's signature is not base64") from None
    key = await _public_key(url, fetch)
    try:
        key.verify(signature, message, padding.PKCS1v15(), algorithm())
    except InvalidSignature:
        raise WebhookSignatureInvalid("The SNS message's signature does not verify") from None


def fetcher(client: OutboundClient) -> Fetch:
    """``Fetch`` through the guarded client: the body of a 2xx answer, else OutboundError."""

    async def fetch(url: str) -> bytes:
        answer = await client.get(sns_url(url), max_bytes=MAX_CERTIFICATE)
        if not answer.ok:
            raise OutboundError(f"{url} answered {answer.status}")
        return answer.content

    return fetch


async def confirm(body: Mapping[str, Any], fetch: Fetch) -> None:
    """Confirm a verified ``SubscriptionConfirmation``: GET its ``SubscribeURL`` (SNS's host
    only), as AWS expects; ``WebhookSignatureInvalid`` for another host, OutboundError when
    SNS cannot be reached (the provider sends the confirmation again)."""
    await fetch(sns_url(body.get("SubscribeURL")))
