"""The instance actor: the server itself as an ActivityPub actor (Mastodon's, at ``/actor``),
an ``Application`` with its own key pair (``keys.instance_keys``). It signs what no person
here should be seen sending: the fetches this server makes, and a forwarded report's
``Flag`` (``flags.report_filed``, delivered with ``SENDER`` as the sender). Its document is
served to anyone, signed or not, in every mode (``api/activitypub/representative.py``), so a
peer can always read its key. It has no account row: no one signs in as it, and it is in
no directory, search or count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from porina.core.clock import now
from porina.federation import documents as doc
from porina.federation.keys import instance_keys
from porina.federation.signatures import sign_request
from porina.http.client import OutboundClient, OutboundResponse
from porina.storage.db import Database

PATH = "/actor"
SENDER = 0
"""The ``sender_id`` of a delivery the instance actor signs (no account has id 0)."""


def actor_url(base: str) -> str:
    return f"{base}{PATH}"


def key_id(base: str) -> str:
    return f"{actor_url(base)}#main-key"


def document(base: str, public_pem: str) -> dict[str, Any]:
    """The actor document, as Mastodon serves its instance actor (its name is the host; a
    delivery to it goes to the shared inbox)."""
    me = actor_url(base)
    return {
        "@context": doc.CONTEXT,
        "id": me,
        "type": "Application",
        "preferredUsername": urlsplit(base).netloc,
        "name": urlsplit(base).netloc,
        "url": f"{base}/",
        "manuallyApprovesFollowers": True,
        "inbox": f"{base}/inbox",
        "outbox": f"{me}/outbox",
        "endpoints": {"sharedInbox": f"{base}/inbox"},
        "publicKey": {"id": key_id(base), "owner": me, "publicKeyPem": public_pem},
    }


async def signed_get(
    db: Database, client: OutboundClient, url: str, *, headers: Mapping[str, str]
) -> OutboundResponse:
    """GET ``url`` signed by the instance actor (draft-cavage: ``(request-target) host date``)."""
    private, _ = await instance_keys(db)
    base = db.context.settings.base_url.rstrip("/")
    signed = sign_request(
        "GET", url, key_id=key_id(base), private_pem=private, body=None, when=now()
    )
    return await client.get(url, headers={**headers, **signed})
