"""The desk's response metrics tables (issue 16, point 5): each brand's business hours and SLA
targets, each conversation's response clock, and the measures its answers yield.

A measure is stored as an event row when it happens (Chatwoot's ``reporting_events``): its
calendar seconds and its business-hours seconds under the schedule of that moment, so a
report is a read of rows in a period, and changing the opening hours later does not rewrite
what was measured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column


class DeskBusinessHours(Base):
    """``weekly``: ``{"mon": [[480, 960]], ...}`` (minutes from local midnight); ``holidays``:
    ISO dates."""

    __tablename__ = "desk_business_hours"
    brand_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    time_zone: Mapped[str] = mapped_column(String(64))
    weekly: Mapped[dict[str, Any]] = mapped_column(Json)
    holidays: Mapped[list[str]] = mapped_column(Json, default=list)
    updated_at: Mapped[datetime]


class DeskSlaTarget(Base):
    """How soon the team answers and resolves a conversation of ``priority`` (``none`` for
    conversations without one), in business hours or calendar time."""

    __tablename__ = "desk_sla_targets"
    brand_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    priority: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_response_seconds: Mapped[int | None] = mapped_column(default=None)
    resolution_seconds: Mapped[int | None] = mapped_column(default=None)
    business_hours: Mapped[bool] = mapped_column(default=True)
    warning_percent: Mapped[int] = mapped_column(default=75, server_default="75")
    """The conversation shows an SLA warning once this share of the target has elapsed."""


class DeskClock(Base):
    """The response clock of a conversation (``desk.response_clock.Clock``)."""

    __tablename__ = "desk_clocks"
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE"), primary_key=True
    )
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    waiting_since: Mapped[datetime | None] = mapped_column(default=None)
    answered: Mapped[bool] = mapped_column(default=False)


class DeskMeasure(Base):
    """One measure: ``kind`` first_response, reply or resolution (``opened`` marks a cycle's
    start, for the count of conversations opened in a period)."""

    __tablename__ = "desk_measures"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)
    business_seconds: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_desk_measures_brand_ended", "brand_account_id", "ended_at"),)
