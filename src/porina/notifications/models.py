"""Notifications and read markers (tables)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
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
