"""The events of newsletter campaigns (rank 8, like ``newsletter/events.py``; docs/events.md,
"The newsletter's events"). ``actor`` is the staff member acting as the brand; None for the
sending job and the scheduler."""

from __future__ import annotations

from porina.core.events import Event


class CampaignCreated(Event, frozen=True, kw_only=True):
    """Staff wrote a campaign (a draft)."""

    brand_account_id: int
    campaign_id: int


class CampaignEdited(Event, frozen=True, kw_only=True):
    """A draft's subject, body, kind or lists changed, or the draft was deleted
    (``deleted``)."""

    brand_account_id: int
    campaign_id: int
    deleted: bool


class CampaignScheduled(Event, frozen=True, kw_only=True):
    """A draft was given a time to send (``scheduled_at``, ISO 8601)."""

    brand_account_id: int
    campaign_id: int
    scheduled_at: str


class CampaignStarted(Event, frozen=True, kw_only=True):
    """Sending began: ``recipients`` send records were written (one per confirmed address)."""

    brand_account_id: int
    campaign_id: int
    recipients: int


class CampaignPaused(Event, frozen=True, kw_only=True):
    """Sending stopped for now; ``reason`` is ``staff`` or ``bounces`` (the bounce rate)."""

    brand_account_id: int
    campaign_id: int
    reason: str


class CampaignResumed(Event, frozen=True, kw_only=True):
    brand_account_id: int
    campaign_id: int


class CampaignCancelled(Event, frozen=True, kw_only=True):
    """A scheduled, sending or paused campaign was stopped for good; the recipients not sent
    to yet get nothing."""

    brand_account_id: int
    campaign_id: int


class CampaignFinished(Event, frozen=True, kw_only=True):
    """Every recipient was sent to (or refused for good): ``sent``, ``failed`` and
    ``duplicates`` (recipients mailed twice after a crash) as counted."""

    brand_account_id: int
    campaign_id: int
    sent: int
    failed: int
    duplicates: int
