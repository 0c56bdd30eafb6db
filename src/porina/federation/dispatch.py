"""Sending one activity to one inbox: ``queue_delivery`` adds a durable ``federation.deliver``
job (de-duplicated by activity and inbox) in the caller's transaction, and the job signs the
body with its sender's key at send time and POSTs it through the guarded outbound client.

At scale (issue 20, point 4):

- nothing is queued for, or sent to, a domain the admin suspended or that is unavailable
  (``federation/domains.py``);
- one process sends at most ``federation_domain_concurrency`` deliveries to one domain at
  once; a delivery that finds them busy is put back ``BUSY_SECONDS`` later, its attempt not
  counted (``jobs.queue.Postpone``), so a slow server holds only that many job slots;
- a delivery answered 5xx or 429, or that cannot connect, raises and is retried on
  ``retry_delay``'s schedule: ``MAX_ATTEMPTS`` attempts over about four days (Mastodon:
  16 over about 2-4 days); each failure is noted against the domain, which becomes
  unavailable after ``federation_unavailable_days`` of nothing but failures. Any other 4xx
  is final (logged, not retried). Jobs are outbox rows: retries survive restarts.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.clock import now
from porina.federation import documents as doc
from porina.federation import domains, instance_actor
from porina.federation.keys import ensure_keys, instance_keys
from porina.federation.signatures import sign_request
from porina.http.client import OutboundClient
from porina.http.errors import BadScheme, BadUrl, BlockedAddress, OutboundError
from porina.jobs.queue import JobContext, Postpone, enqueue, handler, retry_schedule
from porina.storage.db import Tx

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 19
"""With ``retry_delay``: the last attempt about four days after the first."""
FIRST_RETRY = timedelta(seconds=15)
LONGEST_WAIT = timedelta(hours=12)
BUSY_SECONDS = 1.0
NEVER = -1
AP_TYPE = "application/activity+json"


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failure: 15 s, 30 s, 1 min, ... doubling, capped at 12 h."""
    wait: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 30)
    return min(wait, LONGEST_WAIT)


retry_schedule("federation.deliver", retry_delay)


class FederationContext(JobContext, Protocol):
    @property
    def outbound(self) -> OutboundClient: ...


def base_url(ctx: JobContext) -> str:
    return ctx.settings.base_url.rstrip("/")


async def queue_delivery(tx: Tx, sender_id: int, inbox: str, activity: dict[str, Any]) -> None:
    """Queue one delivery; none for a suspended or unavailable domain."""
    if await domains.excluded(tx.session, domains.domain_of(inbox)):
        return
    digest = hashlib.sha256(f"{activity['id']} {inbox}".encode()).hexdigest()[:32]
    payload = {"sender_id": str(sender_id), "inbox": inbox, "body": json.dumps(activity)}
    await enqueue(
        tx,
        "federation.deliver",
        payload,
        key=f"federation.deliver:{digest}",
        max_attempts=MAX_ATTEMPTS,
    )


_sending: Counter[str] = Counter()
"""Deliveries this process is sending now, per domain."""


class _Pace:
    """Deliveries started by this process at most ``rate`` a second (a queue of start times)."""

    next_at = 0.0

    @classmethod
    async def wait(cls, rate: float) -> None:
        if rate <= 0:
            return
        moment = time.monotonic()
        start = max(moment, cls.next_at)
        cls.next_at = start + 1 / rate
        if start > moment:
            await asyncio.sleep(start - moment)


@asynccontextmanager
async def domain_slot(domain: str, limit: int) -> AsyncIterator[None]:
    """One of ``domain``'s ``limit`` slots in this process, or ``Postpone``."""
    if _sending[domain] >= limit:
        raise Postpone(BUSY_SECONDS * (1 + random.random()))
    _sending[domain] += 1
    try:
        yield
    finally:
        _sending[domain] -= 1
        if not _sending[domain]:
            del _sending[domain]


_SENDER = select(Account.username, Account.domain, Account.private_key_pem).where(
    Account.id == bindparam("id")
)
SENDER_SECONDS = 10.0
_senders: dict[int, tuple[float, Any]] = {}
"""Senders read by this process (with their key): a large delivery reads its sender once,
not once per inbox; a change is seen within ``SENDER_SECONDS``."""


async def _sender(session: AsyncSession, sender_id: int) -> Any:
    """The sender's username, domain and private key, from the cache while fresh."""
    moment = time.monotonic()
    cached = _senders.get(sender_id)
    if cached is not None and moment - cached[0] < SENDER_SECONDS:
        return cached[1]
    row = (await session.execute(_SENDER, {"id": sender_id})).one_or_none()
    if row is not None and row.private_key_pem:
        if len(_senders) > 1000:
            _senders.clear()
        _senders[sender_id] = (moment, row)
    return row


@handler("federation.deliver")
async def deliver(ctx: FederationContext, payload: dict[str, Any]) -> None:
    """POST one activity to one inbox, signed by its sender's key."""
    sender_id, inbox = int(payload["sender_id"]), str(payload["inbox"])
    domain = domains.domain_of(inbox)
    async with ctx.db.read() as session:
        if await domains.excluded(session, domain):
            return  # suspended or unavailable since it was queued: dropped
        own = sender_id != instance_actor.SENDER
        sender = await _sender(session, sender_id) if own else None
    signer = await _signer(ctx, sender_id, sender)
    if signer is None:
        return
    key_id, private = signer
    await _Pace.wait(ctx.settings.federation_deliveries_per_second)
    body = str(payload["body"]).encode()
    async with domain_slot(domain, ctx.settings.federation_domain_concurrency):
        headers = sign_request(
            "POST", inbox, key_id=key_id, private_pem=private, body=body, when=now()
        )
        headers["Content-Type"] = AP_TYPE
        status, text = await _post(ctx.outbound, inbox, body, headers)
    if status == NEVER:
        log.warning("delivery to %s refused here: %s", inbox, text)
        return
    if status is None or status >= 500 or status == 429:
        days = timedelta(days=ctx.settings.federation_unavailable_days)
        if await domains.failed(ctx.db, domain, days):
            return  # unavailable now: dropped, as every delivery to it until it answers
        raise RuntimeError(f"{inbox} answered {status or text}")
    await domains.answered(ctx.db, domain)
    if status >= 300:
        log.warning("delivery to %s refused: %s %s", inbox, status, text[:200])


async def _signer(ctx: FederationContext, sender_id: int, sender: Any) -> tuple[str, str] | None:
    """The ``(keyId, private PEM)`` a delivery is signed with: the local account ``sender``'s
    (its key made on first need), or the instance actor's; None for a sender that is gone."""
    if sender_id == instance_actor.SENDER:
        private, _ = await instance_keys(ctx.db)
        return instance_actor.key_id(base_url(ctx)), private
    if sender is None or sender.domain is not None:
        return None
    private = sender.private_key_pem
    if not private:
        async with ctx.db.transaction() as tx:
            private, _ = await ensure_keys(tx.session, sender_id)
    return f"{doc.actor_url(base_url(ctx), sender.username)}#main-key", private


async def _post(
    client: OutboundClient, inbox: str, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str]:
    """The answer's status and text; no status when the server could not be reached,
    ``NEVER`` when the guarded client refuses the address (no retry can change that)."""
    try:
        response = await client.post(inbox, content=body, headers=headers)
    except (BlockedAddress, BadScheme, BadUrl) as exc:
        return NEVER, repr(exc)
    except OutboundError as exc:
        return None, repr(exc)
    return response.status, response.text
