"""The newsletter's tables (issue 19, point 1; docs/newsletter.md).

``newsletter_lists``: a brand's list — what subscribers get and how often, single or double
opt-in, an optional gift for joining (a link and its label), the privacy statement (English and
Finnish, or one text). ``newsletter_subscribers``: one address per list (normalised, unique
per list), its state (``STATES``), where the sign-up came from, the secret token of its
self-service links, bounce counts for the sender built later. ``newsletter_consents``: what a
subscriber agreed to, when, on which list — no IP address is kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column

STATES = ("unconfirmed", "confirmed", "unsubscribed", "blocklisted")


class NewsletterList(Base):
    __tablename__ = "newsletter_lists"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(200), default="")
    double_opt_in: Mapped[bool] = mapped_column(default=True)
    gift_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    gift_label: Mapped[str | None] = mapped_column(String(200), default=None)
    privacy_en: Mapped[str] = mapped_column(Text, default="")
    privacy_fi: Mapped[str] = mapped_column(Text, default="")
    click_tracking: Mapped[bool] = mapped_column(default=False)
    """Count clicks on the links of campaigns to this list (aggregates only; docs/newsletter.md,
    "Click counting"). Off unless the brand turns it on."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_newsletter_lists_brand_account_id", "brand_account_id"),)


class NewsletterSubscriber(Base):
    """``source``: ``status:<id>`` or a page path the sign-up came from; ``token``: the secret
    of the subscriber's confirm, preferences and unsubscribe links; ``mailed_at``: the last
    confirmation sent (a re-send waits ``RESEND_AFTER``)."""

    __tablename__ = "newsletter_subscribers"
    id: Mapped[int] = id_column()
    list_id: Mapped[int] = mapped_column(ForeignKey("newsletter_lists.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default="unconfirmed")
    source: Mapped[str | None] = mapped_column(String(500), default=None)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(default=None)
    mailed_at: Mapped[datetime | None] = mapped_column(default=None)
    soft_bounces: Mapped[int] = mapped_column(default=0)
    hard_bounces: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("list_id", "email"),)


class NewsletterConsent(Base):
    __tablename__ = "newsletter_consents"
    id: Mapped[int] = id_column()
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscribers.id", ondelete="CASCADE")
    )
    list_id: Mapped[int] = mapped_column(ForeignKey("newsletter_lists.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]

    __table_args__ = (Index("ix_newsletter_consents_subscriber_id", "subscriber_id"),)


BOUNCE_KINDS = ("hard", "soft", "complaint")


class NewsletterBounce(Base):
    """A bounce or complaint about one subscriber (``newsletter/bounces.py``): ``kind`` is one
    of ``BOUNCE_KINDS``, ``source`` ``smtp`` (the built-in receiver) or ``webhook`` (a mail
    provider), ``campaign_id`` the campaign whose mail bounced when known (no foreign key: the
    count outlives a deleted campaign), ``detail`` the DSN status or the provider's reason."""

    __tablename__ = "newsletter_bounces"
    id: Mapped[int] = id_column()
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscribers.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[int | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_newsletter_bounces_subscriber_id", "subscriber_id"),
        Index("ix_newsletter_bounces_campaign_id", "campaign_id"),
    )


class NewsletterLinkClicks(Base):
    """Clicks on one link of one campaign (``newsletter/clicks.py``): a number, nothing about
    who clicked. ``url_hash`` is the SHA-256 of ``url`` (the key; a URL may be long)."""

    __tablename__ = "newsletter_link_clicks"
    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    clicks: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime]


class NewsletterBrandPrivacy(Base):
    """The brand's own privacy statement for its newsletter (EN and FI; either one alone serves
    both languages), shown at ``/newsletter/privacy/<username>`` and by every list of the brand
    without a statement of its own (``newsletter/brand_privacy.py``)."""

    __tablename__ = "newsletter_brand_privacy"
    brand_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_fi: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]
