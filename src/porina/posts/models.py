"""Statuses and what hangs off them: edits, media, mentions, tags, polls, schedules, pins.

Rendering data that changes only with an edit (media, mentions, tags, emojis) is denormalised
onto the status as JSON, and counters live on the row, so a page of statuses loads in one query.
The normalised tables (mentions, status_tags, media_attachments) stay the source of truth for
lookups such as "statuses mentioning me" or "statuses tagged #x".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column, row_version


class Status(Base):
    __tablename__ = "statuses"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    text: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    in_reply_to_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    in_reply_to_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    thread_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    conversation_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    reblog_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), default=None
    )
    quote_of_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    quote_state: Mapped[str | None] = mapped_column(String(16), default=None)
    quote_policy: Mapped[str] = mapped_column(String(16), default="public")
    poll_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    application_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    group_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    local: Mapped[bool] = mapped_column(Boolean, default=True)
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    replies_count: Mapped[int] = mapped_column(default=0)
    reblogs_count: Mapped[int] = mapped_column(default=0)
    favourites_count: Mapped[int] = mapped_column(default=0)
    quotes_count: Mapped[int] = mapped_column(default=0)
    media: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    mentions: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    tags: Mapped[list[str]] = mapped_column(Json, default=list)
    emojis: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    card: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    version: Mapped[int] = row_version()

    __table_args__ = (
        Index("ix_statuses_account_id_id", "account_id", "id"),
        Index("ix_statuses_in_reply_to_id", "in_reply_to_id"),
        Index("ix_statuses_reblog_of_id", "reblog_of_id", "account_id"),
        Index("ix_statuses_thread_id", "thread_id"),
        Index("ix_statuses_visibility_id", "visibility", "local", "id"),
        Index("ix_statuses_visibility_recent", "visibility", "id"),
        Index("uq_statuses_uri", "uri", unique=True),
    )


class StatusEdit(Base):
    """One version of a status, as ``GET /statuses/:id/history`` lists them."""

    __tablename__ = "status_edits"
    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(Snowflake)
    content: Mapped[str] = mapped_column(Text)
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    media: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    poll_options: Mapped[list[str] | None] = mapped_column(Json, default=None)
    emojis: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_status_edits_status_id", "status_id", "id"),)


class MediaAttachment(Base):
    __tablename__ = "media_attachments"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    type: Mapped[str] = mapped_column(String(8))
    mime_type: Mapped[str] = mapped_column(String(64))
    file_path: Mapped[str | None] = mapped_column(String(255), default=None)
    thumbnail_path: Mapped[str | None] = mapped_column(String(255), default=None)
    remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    file_size: Mapped[int] = mapped_column(default=0)
    meta: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    blurhash: Mapped[str | None] = mapped_column(String(64), default=None)
    focus_x: Mapped[float] = mapped_column(Float, default=0.0)
    focus_y: Mapped[float] = mapped_column(Float, default=0.0)
    processing: Mapped[bool] = mapped_column(Boolean, default=False)
    """Verified, its meta and preview still being made (``posts.jobs.process_media``); no url."""
    processing_failed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Processing found the file unusable; the API answers 422 for it (migration 0011)."""
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_media_attachments_status_id", "status_id"),)


class Mention(Base):
    __tablename__ = "mentions"
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    silent: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_mentions_account_id_status_id", "account_id", "status_id"),)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    usable: Mapped[bool] = mapped_column(Boolean, default=True)
    trendable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_status_at: Mapped[datetime | None] = mapped_column(default=None)


class StatusTag(Base):
    __tablename__ = "status_tags"
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_status_tags_status_id", "status_id"),)


class Poll(Base):
    """A poll; ``votes`` holds one count per option, kept by the vote action."""

    __tablename__ = "polls"
    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(Snowflake)
    options: Mapped[list[str]] = mapped_column(Json)
    votes: Mapped[list[int]] = mapped_column(Json)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_totals: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_count: Mapped[int] = mapped_column(default=0)
    voters_count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    version: Mapped[int] = row_version()

    __table_args__ = (UniqueConstraint("status_id"),)


class PollVote(Base):
    __tablename__ = "poll_votes"
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    choice: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]


class ScheduledStatus(Base):
    __tablename__ = "scheduled_statuses"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scheduled_at: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(Json)
    media_ids: Mapped[list[str]] = mapped_column(Json, default=list)
    created_by_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    application_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    created_at: Mapped[datetime]


class StatusPin(Base):
    __tablename__ = "status_pins"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_status_pins_status_id", "status_id"),)


class IdempotencyKey(Base):
    """Remembers ``Idempotency-Key`` headers for an hour so a retried post is not doubled."""

    __tablename__ = "idempotency_keys"
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    status_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime]


class CustomEmoji(Base):
    __tablename__ = "custom_emojis"
    id: Mapped[int] = id_column()
    shortcode: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str | None] = mapped_column(String(255), default=None)
    image_path: Mapped[str | None] = mapped_column(String(255), default=None)
    image_remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    visible_in_picker: Mapped[bool] = mapped_column(Boolean, default=True)
    category: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("shortcode", "domain"),)
