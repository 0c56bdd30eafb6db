"""The content calendar's tables (issue 19, points 7 and 8; docs/calendar.md).

``calendar_drafts`` holds a brand's planned post: what it will say (the parameters of
``POST /api/v1/statuses``: text, visibility, media, a simple poll, spoiler, language), when
(``planned_at`` in UTC, with the brand's time zone it was planned in), who wrote it and where
it stands (``STATES``). ``calendar_draft_transitions`` keeps every change of state — who, when,
the comment — for the audit; a deleted draft keeps its row (state ``deleted``) and its history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column

STATES = (
    "draft",
    "submitted",
    "approved",
    "changes_requested",
    "scheduled",
    "published",
    "missed",
    "deleted",
)


class CalendarDraft(Base):
    """``poll``: ``{"options": [...], "expires_in": seconds, "multiple": bool}`` or None;
    ``publish_attempts``/``last_error``: the publishing job's failed attempts so far (it marks
    the draft ``missed`` with ``missed_reason`` when they run out or the post cannot be made)."""

    __tablename__ = "calendar_drafts"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    text: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    sensitive: Mapped[bool] = mapped_column(default=False)
    media_ids: Mapped[list[str]] = mapped_column(Json, default=list)
    poll: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    planned_at: Mapped[datetime | None] = mapped_column(default=None)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    state: Mapped[str] = mapped_column(String(24), default="draft")
    review_comment: Mapped[str | None] = mapped_column(Text, default=None)
    missed_reason: Mapped[str | None] = mapped_column(Text, default=None)
    publish_attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    published_status_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_calendar_drafts_brand_account_id_planned_at", "brand_account_id", "planned_at"),
        Index("ix_calendar_drafts_state_planned_at", "state", "planned_at"),
    )


class CalendarDraftTransition(Base):
    """One change of a draft's state: ``from_state`` → ``to_state`` by ``user_id`` (None: the
    publishing job) at ``at``, with the reviewer's comment or the missed reason."""

    __tablename__ = "calendar_draft_transitions"
    id: Mapped[int] = id_column()
    draft_id: Mapped[int] = mapped_column(ForeignKey("calendar_drafts.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(24), default=None)
    to_state: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    at: Mapped[datetime]

    __table_args__ = (Index("ix_calendar_draft_transitions_draft_id", "draft_id", "id"),)
