"""Notifications and read markers (tables)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Snowflake, id_column


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
    filtered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Held back by the recipient's notification policy: shown only through its request."""

    __table_args__ = (
        Index("ix_notifications_account_id_id", "account_id", "id"),
        UniqueConstraint("account_id", "dedupe_key"),
    )


class NotificationPolicy(Base):
    """What the recipient does with notifications from strangers (Mastodon 4.3): each
    ``for_*`` is ``accept``, ``filter`` or ``drop``. No row: ``notify.DEFAULT_POLICY``."""

    __tablename__ = "notification_policies"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    for_not_following: Mapped[str] = mapped_column(String(8), default="accept")
    for_not_followers: Mapped[str] = mapped_column(String(8), default="accept")
    for_new_accounts: Mapped[str] = mapped_column(String(8), default="accept")
    for_private_mentions: Mapped[str] = mapped_column(String(8), default="accept")
    for_limited_accounts: Mapped[str] = mapped_column(String(8), default="accept")
    updated_at: Mapped[datetime]


class NotificationRequest(Base):
    """Filtered notifications from one sender, waiting for the recipient to accept or
    dismiss them."""

    __tablename__ = "notification_requests"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("account_id", "from_account_id"),)


class NotificationPermission(Base):
    """An accepted request: notifications from ``from_account_id`` pass the policy."""

    __tablename__ = "notification_permissions"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    from_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]


class Marker(Base):
    __tablename__ = "markers"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    timeline: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(Snowflake)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]
