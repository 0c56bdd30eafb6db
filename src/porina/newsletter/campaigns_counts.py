"""A campaign's ``unsubscribed`` count (docs/newsletter.md, "Campaigns"): an unsubscribe
(one-click from the mail's ``List-Unsubscribe``, or the page) is put down to the last campaign
sent to that subscription, when it went out within ``WINDOW``. (``bounced`` is counted by the
bounce handling, ``bounces_campaigns``.)"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from porina.core.clock import now
from porina.jobs.events import subscribe
from porina.newsletter.campaigns_models import NewsletterCampaign, NewsletterSend
from porina.newsletter.events import NewsletterUnsubscribed
from porina.storage.db import Tx

WINDOW = timedelta(days=30)


@subscribe(NewsletterUnsubscribed)
async def count_unsubscribe(tx: Tx, event: NewsletterUnsubscribed) -> None:
    campaign_id = await tx.session.scalar(
        select(NewsletterSend.campaign_id)
        .where(
            NewsletterSend.subscriber_id == event.subscriber_id,
            NewsletterSend.state == "sent",
            NewsletterSend.sent_at >= now() - WINDOW,
        )
        .order_by(NewsletterSend.sent_at.desc())
        .limit(1)
    )
    if campaign_id is not None:
        await tx.session.execute(
            update(NewsletterCampaign)
            .where(NewsletterCampaign.id == campaign_id)
            .values(unsubscribed=NewsletterCampaign.unsubscribed + 1)
        )
