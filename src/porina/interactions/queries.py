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
    today, first_id = first_day(days)
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
    return history_of(counted, today, days)


def first_day(days: int = 7) -> tuple[datetime, int]:
    """Today (UTC midnight) and the first status id of the ``days`` ending today."""
    today = now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=days - 1)
    return today, int(start.timestamp() * 1000) << 16


def history_of(counted: dict[int, tuple[int, int]], today: datetime, days: int = 7) -> list[DayUse]:
    """``days`` of uses, newest first, from (uses, accounts) per day number (the snowflake id
    divided by ``DAY_MS << 16``); days without uses count zero."""
    out: list[DayUse] = []
    for back in range(days):
        day = today - timedelta(days=back)
        key = int(day.timestamp() * 1000) // DAY_MS
        uses, accounts = counted.get(key, (0, 0))
        out.append(DayUse(day.astimezone(UTC), uses, accounts))
    return out
