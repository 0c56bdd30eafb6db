"""A brand's contest figures for a period (the metric dictionary's ``contest_entries`` and
``contest_entrants``): entries kept in its contests, made in ``[start, end)``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.campaigns.models import Contest, ContestEntry


async def entries(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime
) -> tuple[int, int]:
    """(entries, distinct entrants) in the brand's contests made in ``[start, end)``; an
    entry undone before its contest closed was deleted and is not counted."""
    row = (
        await session.execute(
            select(func.count(), func.count(distinct(ContestEntry.account_id)))
            .select_from(ContestEntry)
            .join(Contest, Contest.id == ContestEntry.contest_id)
            .where(
                Contest.brand_account_id == brand_id,
                ContestEntry.created_at >= start,
                ContestEntry.created_at < end,
            )
        )
    ).one()
    return int(row[0]), int(row[1])
