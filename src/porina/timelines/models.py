"""Materialised home feeds (the database feed store)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Snowflake


class HomeFeedEntry(Base):
    """A status in someone's home feed. ``status_id`` is the entry (a post or a reblog);
    ``target_id`` is the post shown (the reblogged one for reblogs), used to drop a second
    reblog of a post already in the feed."""

    __tablename__ = "home_feed"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(Snowflake)
    author_id: Mapped[int] = mapped_column(Snowflake)

    __table_args__ = (
        Index("ix_home_feed_account_id_target_id", "account_id", "target_id"),
        Index("ix_home_feed_account_id_author_id", "account_id", "author_id"),
    )
