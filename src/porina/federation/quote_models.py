"""Quote authorizations (FEP-044f, Mastodon 4.5's ``QuoteAuthorization``;
``federation/quote_authorizations.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column


class QuoteAuthorization(Base):
    """The consent of ``quoted_status_id``'s author to the quote ``quoting_uri`` (the
    quoting Note's id). A local author's (the post is here) has ``hash``, the last segment
    of its URL (``…/statuses/ID/quote_authorizations/HASH``), served while ``revoked_at`` is
    unset; one another server gave for its post has ``uri``, its id there. Revoked ones stay
    (their URL answers 404, a later ``Update`` carrying them is refused)."""

    __tablename__ = "quote_authorizations"
    id: Mapped[int] = id_column()
    quoted_status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    quoting_uri: Mapped[str] = mapped_column(Text)
    hash: Mapped[str | None] = mapped_column(String(64), default=None)
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("quoted_status_id", "quoting_uri"),
        Index("uq_quote_authorizations_uri", "uri", unique=True),
    )
