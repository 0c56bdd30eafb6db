"""Direct-message conversations as each participant sees them."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake


class AccountConversation(Base):
    """One participant's view of a DM thread: who else is in it, the last status, unread."""

    __tablename__ = "account_conversations"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    participant_ids: Mapped[list[str]] = mapped_column(Json, default=list)
    last_status_id: Mapped[int] = mapped_column(Snowflake)
    unread: Mapped[bool] = mapped_column(Boolean, default=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_account_conversations_account_id_last", "account_id", "last_status_id"),
    )
