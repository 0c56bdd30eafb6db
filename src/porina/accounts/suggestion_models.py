"""Follow suggestions a person dismissed (``DELETE /api/v1/suggestions/:account_id``): never
suggested to them again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Snowflake


class SuggestionDismissal(Base):
    __tablename__ = "account_suggestion_dismissals"
    account_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    target_account_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]
