"""Sending one activity to one inbox: ``queue_delivery`` adds a durable ``federation.deliver``
job (de-duplicated by activity and inbox) in the caller's transaction, and the job signs the
body with its sender's key at send time and POSTs it through the guarded outbound client.

A delivery answered 5xx or 429, or that cannot connect, raises and is retried with the job
engine's backoff (``MAX_ATTEMPTS``); any other 4xx is final (logged, not retried).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Protocol

from porina.accounts.models import Account
from porina.core.clock import now
from porina.federation import documents as doc
from porina.federation.keys import ensure_keys
from porina.federation.signatures import sign_request
from porina.http.client import OutboundClient
from porina.jobs.queue import JobContext, enqueue, handler
from porina.storage.db import Tx

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 16
"""With the engine's backoff (2 s doubling, capped at an hour): about six hours of retries."""
AP_TYPE = "application/activity+json"


class FederationContext(JobContext, Protocol):
    @property
    def outbound(self) -> OutboundClient: ...


def base_url(ctx: JobContext) -> str:
    return ctx.settings.base_url.rstrip("/")


async def queue_delivery(tx: Tx, sender_id: int, inbox: str, activity: dict[str, Any]) -> None:
    digest = hashlib.sha256(f"{activity['id']} {inbox}".encode()).hexdigest()[:32]
    payload = {"sender_id": str(sender_id), "inbox": inbox, "body": json.dumps(activity)}
    await enqueue(
        tx,
        "federation.deliver",
        payload,
        key=f"federation.deliver:{digest}",
        max_attempts=MAX_ATTEMPTS,
    )


@handler("federation.deliver")
async def deliver(ctx: FederationContext, payload: dict[str, Any]) -> None:
    """POST one activity to one inbox, signed by its sender's key."""
    sender_id, inbox = int(payload["sender_id"]), str(payload["inbox"])
    async with ctx.db.transaction() as tx:
        sender = await tx.session.get(Account, sender_id)
        if sender is None or sender.domain is not None:
            return
        private, _ = await ensure_keys(tx.session, sender_id)
    body = str(payload["body"]).encode()
    key_id = f"{doc.actor_url(base_url(ctx), sender.username)}#main-key"
    headers = sign_request("POST", inbox, key_id=key_id, private_pem=private, body=body, when=now())
    headers["Content-Type"] = AP_TYPE
    response = await ctx.outbound.post(inbox, content=body, headers=headers)
    if response.status >= 500 or response.status == 429:
        raise RuntimeError(f"{inbox} answered {response.status}")
    if not response.ok:
        log.warning("delivery to %s refused: %s %s", inbox, response.status, response.text[:200])
