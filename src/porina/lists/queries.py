"""Reading lists (read-only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.lists.models import List, ListAccount

DAY_MS = 86_400_000


async def own_list(session: AsyncSession, viewer_id: int, list_id: int) -> List | None:
    found: List | None = await session.scalar(
        select(List).where(List.id == list_id, List.account_id == viewer_id)
    )
    return found


async def lists_of(session: AsyncSession, viewer_id: int) -> list[List]:
    rows = await session.scalars(select(List).where(List.account_id == viewer_id).order_by(List.id))
    return list(rows)


async def lists_containing(session: AsyncSession, viewer_id: int, account_id: int) -> list[List]:
    rows = await session.scalars(
        select(List)
        .join(ListAccount, ListAccount.list_id == List.id)
        .where(List.account_id == viewer_id, ListAccount.account_id == account_id)
        .order_by(List.id)
    )
    return list(rows)


def list_members_select(list_id: int) -> Select[Any]:
    return (
        select(Account)
        .join(ListAccount, ListAccount.account_id == Account.id)
        .where(ListAccount.list_id == list_id, Account.suspended_at.is_(None))
    )
