"""Reading tag statistics (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.posts.models import Status, StatusTag

DAY_MS = 86_400_000


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
