"""Favourites, bookmarks, notifications, and the per-person tools around them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
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
    )


class Bookmark(Base):
    __tablename__ = "bookmarks"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("account_id", "status_id"),)


class StatusMute(Base):
    """A muted conversation: no more notifications from that thread."""

    __tablename__ = "status_mutes"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)


class Notification(Base):
    """One notification. ``group_key`` groups them as the v2 API does (Mastodon 4.3)."""

    __tablename__ = "notifications"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), default=None
    )
    report_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    group_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), default=None)

    __table_args__ = (
        Index("ix_notifications_account_id_id", "account_id", "id"),
        UniqueConstraint("account_id", "dedupe_key"),
    )


class Marker(Base):
    __tablename__ = "markers"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    timeline: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(Snowflake)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


class List(Base):
    __tablename__ = "lists"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    replies_policy: Mapped[str] = mapped_column(String(16), default="list")
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ListAccount(Base):
    __tablename__ = "list_accounts"
    list_id: Mapped[int] = mapped_column(
        ForeignKey("lists.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_list_accounts_account_id", "account_id"),)


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


class Report(Base):
    __tablename__ = "reports"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_ids: Mapped[list[str]] = mapped_column(Json, default=list)
    rule_ids: Mapped[list[str]] = mapped_column(Json, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16), default="other")
    forward: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    action_taken_at: Mapped[datetime | None] = mapped_column(default=None)
    action_taken_by_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    action: Mapped[str | None] = mapped_column(String(16), default=None)
    assigned_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)


class AnalyticsEvent(Base):
    """A typed record of every interaction, written in the same transaction as the interaction.

    ``name`` is ``domain:object:verb`` (``interaction:favourite:create``); ``operator_user_id``
    says which staff member acted when the actor is a team-operated account.
    """

    __tablename__ = "analytics_events"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(64))
    actor_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    operator_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    target_type: Mapped[str | None] = mapped_column(String(16), default=None)
    target_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    target_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_analytics_events_target_account_id_id", "target_account_id", "id"),
        Index("ix_analytics_events_name_id", "name", "id"),
    )
