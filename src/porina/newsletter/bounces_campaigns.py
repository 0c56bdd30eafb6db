"""Bounces and campaigns (issue 19, point 5; docs/newsletter.md, "Bounces and complaints"):
what the bounce code needs of campaigns (``newsletter/campaigns*.py``), kept here so it reads
them through these few functions only.

- ``campaign_brand``: the brand a campaign belongs to (the webhook's ``campaign_id``).
- ``counted`` (in the transaction of every ``NewsletterBounced`` about a campaign): the
  campaign's ``bounced`` count — distinct recipients with a hard or soft bounce about it — and
  its pause (``campaigns_sending.pause``, reason ``bounces``) when the bounce rate passes
  ``PORINA_BOUNCE_PAUSE_PERCENT`` (bounces and complaints over mails sent, once
  ``PORINA_BOUNCE_PAUSE_AFTER`` are sent).
"""

from __future__ import annotations

import logging

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.jobs.events import subscribe
from porina.newsletter import campaigns_sending
from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.newsletter.events import NewsletterBounced
from porina.newsletter.models import NewsletterBounce
from porina.settings import Settings
from porina.storage.db import Tx

log = logging.getLogger(__name__)


async def campaign_brand(session: AsyncSession, campaign_id: int | None) -> int | None:
    """The brand account of campaign ``campaign_id``; None when unknown."""
    if campaign_id is None:
        return None
    found = await session.scalar(
        select(NewsletterCampaign.brand_account_id).where(NewsletterCampaign.id == campaign_id)
    )
    return int(found) if found is not None else None


async def _recipients(session: AsyncSession, campaign_id: int, kinds: tuple[str, ...]) -> int:
    found = await session.scalar(
        select(func.count(distinct(NewsletterBounce.subscriber_id))).where(
            NewsletterBounce.campaign_id == campaign_id, NewsletterBounce.kind.in_(kinds)
        )
    )
    return int(found or 0)


def over_threshold(settings: Settings, sent: int, problems: int) -> bool:
    """The bounce rate rule: more than BOUNCE_PAUSE_PERCENT of ``sent`` bounced or complained,
    once BOUNCE_PAUSE_AFTER mails are sent (0 percent: never)."""
    percent = settings.bounce_pause_percent
    if percent <= 0 or sent < max(settings.bounce_pause_after, 1):
        return False
    return problems * 100 > percent * sent


@subscribe(NewsletterBounced, when=lambda e: e.campaign_id is not None)
async def counted(tx: Tx, event: NewsletterBounced) -> None:
    """The campaign's bounced count (recounted: a recipient counts once, whatever number of
    reports came about it), and its pause when the rate passes the threshold."""
    row = await tx.session.scalar(
        select(NewsletterCampaign)
        .where(NewsletterCampaign.id == event.campaign_id)
        .with_for_update()
    )
    if row is None:
        return  # a campaign deleted since: nothing to count on
    row.bounced = await _recipients(tx.session, row.id, ("hard", "soft"))
    problems = await _recipients(tx.session, row.id, ("hard", "soft", "complaint"))
    if row.state == "sending" and over_threshold(tx.settings, row.sent, problems):
        await pause_for_bounces(tx, row)


async def pause_for_bounces(tx: Tx, row: NewsletterCampaign) -> None:
    """Pause the campaign because of its bounce rate, through the campaigns' own action
    (``CampaignPaused`` with reason ``bounces``); staff look at the list and resume it."""
    log.warning(
        "campaign %s paused: %s of %s sent bounced or drew complaints",
        row.id,
        row.bounced,
        row.sent,
    )
    await campaigns_sending.pause(tx, row, None, "bounces")
