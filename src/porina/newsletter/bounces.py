"""Bounces and complaints (issue 19, point 5; docs/newsletter.md, "Bounces and complaints").

``record`` is the one writer: it keeps a ``newsletter_bounces`` row, counts the bounce on the
subscription, emits ``NewsletterBounced``, and blocklists the address on every list of the
brand when the rules say so:

- a hard bounce or a complaint blocklists at once;
- soft bounces blocklist on the third, counted over the address's subscriptions to the
  brand's lists (one mailbox that keeps failing, whichever list's mail found it full).

Blocklisted subscriptions get no more mail, and signing up again leaves them blocklisted
(``subscriptions.subscribe``). Where the reports come from: the built-in SMTP receiver
(``bounces_smtp.py``, through the VERP return path) and the providers' webhook
(``bounces_webhook.py``, by address).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.newsletter.events import NewsletterBlocklisted, NewsletterBounced
from porina.newsletter.models import (
    BOUNCE_KINDS,
    NewsletterBounce,
    NewsletterList,
    NewsletterSubscriber,
)
from porina.storage.db import Tx

SOURCES = ("smtp", "webhook")
SOFT_LIMIT = 3
"""Soft bounces of one address on one brand's lists that blocklist it."""


@dataclass(frozen=True, slots=True)
class Bounce:
    """What a report says: ``kind`` (``hard``, ``soft``, ``complaint``), where it came from
    (``smtp``, ``webhook``), the campaign when known, and a short detail (a DSN status, the
    provider's reason)."""

    kind: str
    source: str
    campaign_id: int | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        if self.kind not in BOUNCE_KINDS or self.source not in SOURCES:
            raise ValueError(f"not a bounce: {self.kind}/{self.source}")


async def record(tx: Tx, subscriber_id: int, bounce: Bounce) -> bool:
    """Record ``bounce`` about the subscription; False when it no longer exists (erased)."""
    row = await tx.session.scalar(
        select(NewsletterSubscriber)
        .where(NewsletterSubscriber.id == subscriber_id)
        .with_for_update()
    )
    if row is None:
        return False
    first = bounce.campaign_id is not None and not await _bounced_before(
        tx.session, bounce.campaign_id, row.id
    )
    tx.session.add(
        NewsletterBounce(
            id=new_id(),
            subscriber_id=row.id,
            campaign_id=bounce.campaign_id,
            kind=bounce.kind,
            source=bounce.source,
            detail=bounce.detail[:500],
            created_at=now(),
        )
    )
    if bounce.kind == "hard":
        row.hard_bounces += 1
    elif bounce.kind == "soft":
        row.soft_bounces += 1
    await tx.session.flush()
    event = NewsletterBounced(
        list_id=row.list_id,
        subscriber_id=row.id,
        campaign_id=bounce.campaign_id,
        kind=bounce.kind,
        source=bounce.source,
        first=first,
    )
    await emit(tx, event)
    if await _blocklists(tx.session, row, bounce.kind):
        await _blocklist(tx, row, "soft" if bounce.kind == "soft" else bounce.kind)
    return True


async def _bounced_before(session: AsyncSession, campaign_id: int, subscriber_id: int) -> bool:
    found = await session.scalar(
        select(
            exists().where(
                NewsletterBounce.campaign_id == campaign_id,
                NewsletterBounce.subscriber_id == subscriber_id,
            )
        )
    )
    return bool(found)


def _same_address(row: NewsletterSubscriber) -> tuple[ColumnElement[bool], ...]:
    """The subscriptions of ``row``'s address on the lists of ``row``'s brand."""
    brand = select(NewsletterList.brand_account_id).where(NewsletterList.id == row.list_id)
    lists = select(NewsletterList.id).where(
        NewsletterList.brand_account_id == brand.scalar_subquery()
    )
    return (NewsletterSubscriber.email == row.email, NewsletterSubscriber.list_id.in_(lists))


async def _blocklists(session: AsyncSession, row: NewsletterSubscriber, kind: str) -> bool:
    if kind in {"hard", "complaint"}:
        return True
    soft = await session.scalar(
        select(func.coalesce(func.sum(NewsletterSubscriber.soft_bounces), 0)).where(
            *_same_address(row)
        )
    )
    return int(soft or 0) >= SOFT_LIMIT


async def _blocklist(tx: Tx, row: NewsletterSubscriber, reason: str) -> None:
    rows = await tx.session.scalars(
        select(NewsletterSubscriber)
        .where(*_same_address(row), NewsletterSubscriber.status != "blocklisted")
        .order_by(NewsletterSubscriber.id)
        .with_for_update()
    )
    for found in list(rows):
        found.status = "blocklisted"
        await emit(
            tx, NewsletterBlocklisted(list_id=found.list_id, subscriber_id=found.id, reason=reason)
        )


async def record_address(tx: Tx, email: str, bounce: Bounce, *, brand_id: int | None = None) -> int:
    """Record ``bounce`` about an address (a provider's webhook knows no more): once per brand
    that has it on a list (on its oldest subscription there; blocklisting reaches the others),
    only ``brand_id``'s when given. The number of brands it was recorded for."""
    query = (
        select(NewsletterSubscriber.id, NewsletterList.brand_account_id)
        .join(NewsletterList, NewsletterList.id == NewsletterSubscriber.list_id)
        .where(NewsletterSubscriber.email == email.strip().lower())
        .order_by(NewsletterSubscriber.id)
    )
    if brand_id is not None:
        query = query.where(NewsletterList.brand_account_id == brand_id)
    chosen: dict[int, int] = {}
    for subscriber_id, brand in (await tx.session.execute(query)).all():
        chosen.setdefault(int(brand), int(subscriber_id))
    for subscriber_id in chosen.values():
        await record(tx, subscriber_id, bounce)
    return len(chosen)
