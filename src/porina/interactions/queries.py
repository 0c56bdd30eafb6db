"""Reading lists and tag statistics (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.clock import now
from porina.interactions.models import List, ListAccount
from porina.posts.models import Status, StatusTag

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


@dataclass(frozen=True, slots=True)
class DayUse:
    day: datetime
    uses: int
    accounts: int


async def tag_history(session: AsyncSession, tag_id: int, days: int = 7) -> list[DayUse]:
    """Uses of a tag per UTC day, newest first, from public statuses (the day comes from the
    snowflake id, so one grouped query serves SQLite and PostgreSQL alike)."""
    today = now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=days - 1)
    first_id = int(start.timestamp() * 1000) << 16
    day_of = (Status.id // (DAY_MS << 16)).label("day")
    rows = (
        await session.execute(
            select(day_of, func.count(), func.count(func.distinct(Status.account_id)))
            .join(StatusTag, StatusTag.status_id == Status.id)
            .where(
                StatusTag.tag_id == tag_id,
                Status.id >= first_id,
                Status.deleted_at.is_(None),
                Status.visibility.in_(("public", "unlisted")),
            )
            .group_by(day_of)
        )
    ).all()
    counted = {int(day): (int(uses), int(accounts)) for day, uses, accounts in rows}
    out: list[DayUse] = []
    for back in range(days):
        day = today - timedelta(days=back)
        key = int(day.timestamp() * 1000) // DAY_MS
        uses, accounts = counted.get(key, (0, 0))
        out.append(DayUse(day.astimezone(UTC), uses, accounts))
    return out


