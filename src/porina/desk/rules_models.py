"""The desk's rules (issue 16, point 4): ``desk_rules``, a brand's ordered conditions → actions,
and ``desk_rule_runs``, what each rule did to which conversation (the mark that an action was
a rule's, and the round-robin's memory of whom it gave conversations to last)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column


class DeskRule(Base):
    """``conditions`` and ``actions`` are JSON checked by ``desk.rules`` (msgspec structs)
    when written; ``position`` orders a brand's rules (the first enabled match wins)."""

    __tablename__ = "desk_rules"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    enabled: Mapped[bool] = mapped_column(default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    actions: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_desk_rules_brand_account_id_position", "brand_account_id", "position"),
    )


class DeskRuleRun(Base):
    """A rule acted on a conversation after ``item_id`` came in: ``done`` names what it did
    (``assign``, ``labels``, ``priority``, ``reply``, ``resolve``), ``error`` why it stopped.
    ``rule_name`` is kept for a rule deleted since."""

    __tablename__ = "desk_rule_runs"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("desk_rules.id", ondelete="SET NULL"), default=None
    )
    rule_name: Mapped[str] = mapped_column(String(80))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE")
    )
    item_id: Mapped[int] = mapped_column(Snowflake)
    done: Mapped[list[str]] = mapped_column(Json, default=list)
    assignee_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    reply_status_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_desk_rule_runs_conversation_id", "conversation_id"),
        Index("ix_desk_rule_runs_brand_assignee", "brand_account_id", "assignee_user_id", "id"),
    )
