"""A brand's newsletter sign-up figures for a period (the metric dictionary's
``newsletter_confirmed`` and ``newsletter_unsubscribed``). Confirmations are counted from the
consents (one is recorded at every confirmation, so one who leaves and comes back counts each
time); unsubscribes from the subscriptions' state (the latest one; a subscription that
signed up again is no longer unsubscribed). An address its owner erased is gone from both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.newsletter.models import NewsletterConsent, NewsletterList, NewsletterSubscriber


async def signups(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime
) -> tuple[int, int]:
    """(subscriptions confirmed, subscriptions ended by their subscriber) on the brand's
    lists in ``[start, end)``."""
    lists = select(NewsletterList.id).where(NewsletterList.brand_account_id == brand_id)
    confirmed = select(func.count()).where(
        NewsletterConsent.list_id.in_(lists),
        NewsletterConsent.at >= start,
        NewsletterConsent.at < end,
    )
    ended = select(func.count()).where(
        NewsletterSubscriber.list_id.in_(lists),
        NewsletterSubscriber.unsubscribed_at >= start,
        NewsletterSubscriber.unsubscribed_at < end,
    )
    row = (
        await session.execute(select(confirmed.scalar_subquery(), ended.scalar_subquery()))
    ).one()
    return int(row[0]), int(row[1])
