"""The ``calls`` table: one row per call, between two accounts.

For a call from or to a desk conversation one side is the brand: ``callee_account_id`` (or
``caller_account_id``) is the brand's account and ``*_user_id`` the staff member who placed or
answered it, which only the brand's side ever reads; the customer's side is told the brand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Snowflake, id_column

STATES = ("ringing", "accepted", "declined", "missed", "ended")
OPEN_STATES = ("ringing", "accepted")


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[int] = id_column()
    caller_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    callee_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    caller_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    """The staff member who placed a call as the brand (None otherwise)."""
    callee_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    """The staff member who answered a call to the brand (None otherwise)."""
    desk_conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="SET NULL"), default=None
    )
    video: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default="ringing")
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_calls_caller_created", "caller_account_id", "created_at"),
        Index("ix_calls_callee_created", "callee_account_id", "created_at"),
        Index("ix_calls_desk_conversation_id", "desk_conversation_id"),
    )
