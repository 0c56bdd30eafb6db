"""Reports to moderators (tables)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column


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
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    """The id of the ``Flag`` another server sent (``federation/flags.py``); None for a
    report made here."""
