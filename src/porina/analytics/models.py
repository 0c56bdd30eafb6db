"""Analytics events (the raw, append-only table)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column


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
