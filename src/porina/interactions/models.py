"""Favourites, bookmarks, thread mutes, and the per-person tools around them (followed
tags, filters)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column


class Favourite(Base):
    __tablename__ = "favourites"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("account_id", "status_id"),
        Index("ix_favourites_status_id", "status_id", "id"),
        Index("ix_favourites_account_id_id", "account_id", "id"),  # the viewer's list
    )


class Bookmark(Base):
    __tablename__ = "bookmarks"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("account_id", "status_id"),
        Index("ix_bookmarks_account_id_id", "account_id", "id"),  # the viewer's list
    )


class StatusMute(Base):
    """A muted conversation: no more notifications from that thread."""

    __tablename__ = "status_mutes"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)


class FollowedTag(Base):
    __tablename__ = "followed_tags"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_followed_tags_tag_id", "tag_id"),)


class Filter(Base):
    __tablename__ = "filters"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    context: Mapped[list[str]] = mapped_column(Json)
    action: Mapped[str] = mapped_column(String(8), default="warn")
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_filters_account_id", "account_id"),)


class FilterKeyword(Base):
    __tablename__ = "filter_keywords"
    id: Mapped[int] = id_column()
    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"))
    keyword: Mapped[str] = mapped_column(String(255))
    whole_word: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_filter_keywords_filter_id", "filter_id"),)


class FilterStatus(Base):
    __tablename__ = "filter_statuses"
    id: Mapped[int] = id_column()
    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_filter_statuses_filter_id", "filter_id"),)
