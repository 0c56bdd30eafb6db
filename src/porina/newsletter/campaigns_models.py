"""The newsletter's campaigns (issue 19, points 2-4; docs/newsletter.md, "Campaigns").

``newsletter_campaigns``: a brand's mail to one or more of its lists — subject, body (Markdown,
or a digest of the brand's recent public posts), its state (``STATES``) and its counts.
``newsletter_campaign_lists``: the lists it goes to. ``newsletter_sends``: one row per
recipient, written before any mail leaves (the crash-safe record of who has been sent what).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column

STATES = ("draft", "scheduled", "sending", "paused", "cancelled", "sent")
KINDS = ("markdown", "digest")
SEND_STATES = ("pending", "sending", "retry", "sent", "failed", "skipped")


class NewsletterCampaign(Base):
    """``sent``: mails handed to the SMTP server; ``duplicates``: recipients sent a second
    time after a crash (they were in flight); ``failed``: recipients refused for good;
    ``bounced``/``unsubscribed``: recorded by the bounce handling and the unsubscribe link of
    the campaign's mail."""

    __tablename__ = "newsletter_campaigns"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(998))
    kind: Mapped[str] = mapped_column(String(16), default="markdown")
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    sender: Mapped[str | None] = mapped_column(String(200), default=None)
    """The process sending it now (``campaigns_sending``), which writes ``heartbeat_at`` at
    every batch; another takes over when the heartbeat is older than ``STALE``."""
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    recipients: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    bounced: Mapped[int] = mapped_column(default=0)
    unsubscribed: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_newsletter_campaigns_brand_account_id", "brand_account_id"),)


class NewsletterCampaignList(Base):
    __tablename__ = "newsletter_campaign_lists"
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_campaigns.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    list_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_lists.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )


class NewsletterSend(Base):
    """One recipient of a campaign: ``pending`` until a sender takes it, ``sending`` while the
    mail is in flight (a crash leaves it so; it is sent again and counted as a duplicate),
    ``sent`` or ``failed``; ``retry`` a row found ``sending`` when a new sender took over (it
    is sent again, and counted in ``duplicates`` when it goes); ``skipped`` when the address
    was unsubscribed or blocklisted before its turn. With ``PORINA_MAIL=outbox`` a recipient
    is ``sent`` once its message is in the mail outbox (where it is ``held``, as all mail is).
    One row per address (``email``), whatever the lists it is on."""

    __tablename__ = "newsletter_sends"
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_campaigns.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    subscriber_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("campaign_id", "email"),
        Index("ix_newsletter_sends_campaign_state", "campaign_id", "state"),
        Index("ix_newsletter_sends_subscriber_id", "subscriber_id"),
    )
