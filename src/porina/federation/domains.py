"""Other servers, by domain: whether deliveries reach them, and what the admin decided.

- **Health** (``federation_instances``): a failed delivery notes the domain as failing since
  its first failure after the last success; after ``federation_unavailable_days`` of that it is
  *unavailable*, and deliveries to it are dropped, not queued. It becomes available again when
  it answers: a verified inbound activity from it (``heard_from``) or the daily probe
  (``federation.probe_unavailable``, which asks each unavailable domain for its NodeInfo).
- **Admin blocks** (``federation_domain_blocks``, Mastodon's ``Admin::DomainBlock``):
  ``suspend`` refuses its inbox deliveries (403) and delivers nothing to it; ``silence`` and
  ``noop`` are kept for the timelines and reports that read them.

Delivery asks ``excluded()``: the suspended and the unavailable domains, read from the database
at most every ``CACHE_SECONDS`` per process and at once after a change made in this process
(another process's change is seen within ``CACHE_SECONDS``). Subdomains are covered, as in
Mastodon: a block of ``example.com`` covers ``social.example.com``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import aware, now
from porina.core.errors import Forbidden
from porina.federation.domain_models import Instance, InstanceBlock
from porina.http.client import OutboundClient
from porina.http.errors import OutboundError
from porina.jobs.recurring import Period, recurring
from porina.storage.db import Database, Tx, insert_if_absent

log = logging.getLogger(__name__)
CACHE_SECONDS = 10.0
SEVERITIES = ("silence", "suspend", "noop")


def domain_of(url: str) -> str:
    """``host`` or ``host:port``, lower-cased, as remote accounts' ``domain``."""
    return urlsplit(url).netloc.lower()


def covered(domain: str, listed: Iterable[str]) -> bool:
    """``domain`` is one of ``listed`` or a subdomain of one (ports ignored)."""
    host = domain.rsplit(":", 1)[0] if not domain.endswith("]") else domain
    names = set(listed)
    if domain in names or host in names:
        return True
    parts = host.split(".")
    return any(".".join(parts[i:]) in names for i in range(1, len(parts)))


def digest(domain: str) -> str:
    return hashlib.sha256(domain.encode()).hexdigest()


@dataclass
class _State:
    suspended: frozenset[str] = frozenset()
    unavailable: frozenset[str] = frozenset()
    failing: frozenset[str] = frozenset()
    read_at: float = field(default=-1e9)


_state = _State()


def forget() -> None:
    """Read the domains' state again at the next look (after a change, and in tests)."""
    _state.read_at = -1e9


async def _load(session: AsyncSession) -> _State:
    if time.monotonic() - _state.read_at < CACHE_SECONDS:
        return _state
    blocks = await session.scalars(
        select(InstanceBlock.domain).where(InstanceBlock.severity == "suspend")
    )
    rows = (
        await session.execute(
            select(Instance.domain, Instance.unavailable).where(Instance.failing_since.is_not(None))
        )
    ).all()
    _state.suspended = frozenset(blocks.all())
    _state.unavailable = frozenset(d for d, gone in rows if gone)
    _state.failing = frozenset(d for d, _ in rows)
    _state.read_at = time.monotonic()
    return _state


async def suspended(session: AsyncSession, domain: str) -> bool:
    return covered(domain, (await _load(session)).suspended)


async def excluded(session: AsyncSession, domain: str) -> bool:
    """Nothing is delivered to ``domain``: suspended by the admin, or unavailable."""
    state = await _load(session)
    return domain in state.unavailable or covered(domain, state.suspended)


async def refuse_suspended(db: Database, activity: dict[str, Any]) -> None:
    """403 for an inbox delivery whose actor is on a suspended domain (before any fetch)."""
    actor = activity.get("actor")
    if not isinstance(actor, str):
        return
    async with db.read() as session:
        if await suspended(session, domain_of(actor)):
            raise Forbidden("This server does not federate with yours", code="domain_suspended")


async def answered(db: Database, domain: str | None) -> None:
    """``domain`` answered (a delivery succeeded, or it sent a verified activity): it is not
    failing (a write only when this process knows it as failing)."""
    if domain is None:
        return
    if time.monotonic() - _state.read_at < CACHE_SECONDS:
        failing = domain in _state.failing  # no database read while the state is fresh
    else:
        async with db.read() as session:
            failing = domain in (await _load(session)).failing
    if failing:
        await heard_from(db, domain)


async def heard_from(db: Database, domain: str | None) -> None:
    """``domain`` answered: clear its failures and unavailability (no write when none)."""
    if not domain:
        return
    async with db.transaction() as tx:
        result = await tx.session.execute(
            update(Instance)
            .where(Instance.domain == domain, Instance.failing_since.is_not(None))
            .values(failing_since=None, unavailable=False, last_success_at=now())
            .execution_options(synchronize_session=False)
        )
    if result.rowcount:  # type: ignore[attr-defined]
        log.info("%s answers again", domain)
        forget()


async def failed(db: Database, domain: str, unavailable_after: timedelta) -> bool:
    """A delivery to ``domain`` failed; True when this makes it unavailable."""
    moment = now()
    async with db.transaction() as tx:
        row = {"domain": domain, "failing_since": moment, "unavailable": False}
        await insert_if_absent(tx.session, Instance, row, unique=("domain",))
        instance = await tx.session.get(Instance, domain, with_for_update=not tx.db.is_sqlite)
        if instance is None:
            return False
        since = aware(instance.failing_since) if instance.failing_since else moment
        instance.failing_since, instance.last_failure_at = since, moment
        gone = not instance.unavailable and moment - since >= unavailable_after
        instance.unavailable = instance.unavailable or gone
    if gone or domain not in _state.failing:
        forget()
    if gone:
        log.warning("%s has failed every delivery since %s: marked unavailable", domain, since)
    return gone


async def unavailable_domains(db: Database) -> list[str]:
    async with db.read() as session:
        rows = await session.scalars(select(Instance.domain).where(Instance.unavailable))
        return list(rows.all())


async def probe(db: Database, client: OutboundClient, domain: str, scheme: str) -> bool:
    """Ask ``domain`` for its NodeInfo; an answer clears it."""
    try:
        response = await client.get(f"{scheme}://{domain}/.well-known/nodeinfo")
    except OutboundError:
        return False
    if response.status >= 500 or response.status == 429:
        return False
    await heard_from(db, domain)
    return True


@recurring("federation.probe_unavailable", every=timedelta(days=1), at=timedelta(hours=3))
async def probe_unavailable(ctx: Any, period: Period) -> None:
    """Once a day: each unavailable domain that answers again is cleared."""
    await probe_all(ctx.db, ctx.outbound)


async def probe_all(db: Database, client: OutboundClient) -> int:
    """Probe every unavailable domain; how many answered."""
    answered = 0
    for domain in await unavailable_domains(db):
        host, _, port = domain.rpartition(":")
        plain = port.isdigit() and client.policy.allows_http(host, int(port))
        answered += await probe(db, client, domain, "http" if plain else "https")
    return answered


async def started_failing(db: Database, domain: str) -> datetime | None:
    async with db.read() as session:
        instance = await session.get(Instance, domain)
    return aware(instance.failing_since) if instance and instance.failing_since else None


async def keep_block(tx: Tx, block: InstanceBlock) -> None:
    """Write an admin's domain block (new or changed); delivery sees it at once here."""
    tx.session.add(block)
    await tx.session.flush()
    tx.after_commit(_forget_async)


async def _forget_async() -> None:
    forget()
