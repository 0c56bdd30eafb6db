"""Reading a person's direct-message conversations (read-only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.messaging.models import AccountConversation


def conversations_select(account_id: int) -> Select[Any]:
    """A person's visible conversations; callers page on ``last_status_id``."""
    return select(AccountConversation).where(
        AccountConversation.account_id == account_id, AccountConversation.hidden.is_(False)
    )


async def conversation(
    session: AsyncSession, account_id: int, conversation_id: int
) -> AccountConversation | None:
    row = await session.get(AccountConversation, (account_id, conversation_id))
    return None if row is None or row.hidden else row
