"""A campaign's results — sent, bounced, complaints, unsubscribed, clicks (issue 19, point 6)
— for the campaign API (``GET /api/porina/v1/newsletter/campaigns/:id``), and the brand's
figures of a period for analytics (the metric dictionary's ``newsletter_sent``,
``newsletter_bounced``, ``newsletter_clicks``; ``render/business_figures.py``).

``sent`` and ``unsubscribed`` are the campaign's own counts (the sender and the unsubscribe
link keep them), ``bounced`` is kept by ``bounces_campaigns``, complaints are read from the
bounce records, clicks from the per-link aggregates (nothing about who clicked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.newsletter.models import NewsletterBounce, NewsletterLinkClicks


@dataclass(frozen=True, slots=True)
class LinkClicks:
    url: str
    clicks: int


@dataclass(frozen=True, slots=True)
class CampaignResults:
    sent: int
    bounced: int
    """Recipients with a hard or soft bounce about the campaign, each once."""
    complaints: int
    """Recipients who reported the campaign's mail as spam, each once."""
    unsubscribed: int
    clicks: int
    """Clicks on the campaign's links (0 unless its lists count clicks)."""
    links: tuple[LinkClicks, ...]
    """Each counted link, most clicked first."""


async def campaign_results(session: AsyncSession, campaign_id: int) -> CampaignResults | None:
    """The campaign's results; None for an unknown campaign."""
    row = await session.get(NewsletterCampaign, campaign_id)
    if row is None:
        return None
    complaints = await session.scalar(
        select(func.count(distinct(NewsletterBounce.subscriber_id))).where(
            NewsletterBounce.campaign_id == campaign_id, NewsletterBounce.kind == "complaint"
        )
    )
    found = await session.execute(
        select(NewsletterLinkClicks.url, NewsletterLinkClicks.clicks)
        .where(NewsletterLinkClicks.campaign_id == campaign_id)
        .order_by(NewsletterLinkClicks.clicks.desc(), NewsletterLinkClicks.url)
    )
    links = tuple(LinkClicks(str(url), int(n)) for url, n in found.all())
    return CampaignResults(
        sent=row.sent,
        bounced=row.bounced,
        complaints=int(complaints or 0),
        unsubscribed=row.unsubscribed,
        clicks=sum(link.clicks for link in links),
        links=links,
    )


@dataclass(frozen=True, slots=True)
class BrandResults:
    sent: int
    bounced: int
    clicks: int


async def brand_period(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime
) -> BrandResults:
    """The results of the brand's campaigns that started sending in ``[start, end)``:
    everything that came of them so far, counted with the campaign."""
    started = select(NewsletterCampaign.id).where(
        NewsletterCampaign.brand_account_id == brand_id,
        NewsletterCampaign.started_at >= start,
        NewsletterCampaign.started_at < end,
    )
    counts = select(
        func.coalesce(func.sum(NewsletterCampaign.sent), 0),
        func.coalesce(func.sum(NewsletterCampaign.bounced), 0),
    ).where(NewsletterCampaign.id.in_(started))
    clicks = select(func.coalesce(func.sum(NewsletterLinkClicks.clicks), 0)).where(
        NewsletterLinkClicks.campaign_id.in_(started)
    )
    sent, bounced = (await session.execute(counts)).one()
    return BrandResults(int(sent), int(bounced), int(await session.scalar(clicks) or 0))
