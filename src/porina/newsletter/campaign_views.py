"""What the campaign staff pages read (``web/newsletter_campaign_pages.py``; docs/newsletter.md,
"Campaigns"): the brand's campaigns with their progress and results, one campaign with its
lists. The same access rules as the API (``campaigns.owned``, ``require_staff``)."""

from __future__ import annotations

from dataclasses import dataclass

from porina.core.actor import Actor
from porina.newsletter import campaigns, results
from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.storage.db import Tx

PAGE = 50


@dataclass(frozen=True, slots=True)
class CampaignRow:
    campaign: NewsletterCampaign
    list_ids: tuple[int, ...]
    clicks: int
    complaints: int

    @property
    def pending(self) -> int:
        """Recipients not sent to or refused yet (none once sent or cancelled)."""
        row = self.campaign
        if row.state in {"cancelled", "sent"}:  # skipped addresses are in neither count
            return 0
        return max(row.recipients - row.sent - row.failed, 0)

    @property
    def editable(self) -> bool:
        return self.campaign.state in {"draft", "scheduled"}

    def progress(self) -> dict[str, int | str]:
        """The figures the page shows and its script refreshes while the campaign sends."""
        row = self.campaign
        return {
            "state": row.state,
            "recipients": row.recipients,
            "sent": row.sent,
            "failed": row.failed,
            "pending": self.pending,
            "bounced": row.bounced,
            "unsubscribed": row.unsubscribed,
            "clicks": self.clicks,
        }


async def _row(tx: Tx, row: NewsletterCampaign) -> CampaignRow:
    found = await results.campaign_results(tx.session, row.id)
    clicks, complaints = (found.clicks, found.complaints) if found else (0, 0)
    ids = tuple(await campaigns.list_ids(tx, row.id))
    return CampaignRow(row, ids, clicks, complaints)


async def overview(tx: Tx, actor: Actor) -> list[CampaignRow]:
    """The brand's newest campaigns, newest first."""
    rows = await campaigns.index(tx, actor, max_id=None, limit=PAGE)
    return [await _row(tx, row) for row in rows]


async def one(tx: Tx, actor: Actor, campaign_id: int) -> CampaignRow:
    return await _row(tx, await campaigns.owned(tx, actor, campaign_id))
