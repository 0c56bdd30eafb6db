"""Server measures for the admin API (Mastodon's ``Admin::Metrics::Measure``): a total and
daily values over a stretch of days, and the total of the stretch just before it.

Computed from Porina's own rows: ``active_users`` counts local accounts that did something
recorded in ``analytics_events`` that day (Mastodon counts sign-ins; Porina records actions),
``new_users`` local sign-ups, ``interactions`` favourites, boosts and replies given to local
statuses, ``opened_reports`` / ``resolved_reports`` reports filed and resolved. Days are UTC.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, User
from porina.analytics.models import AnalyticsEvent
from porina.interactions.models import Favourite
from porina.moderation.models import Report
from porina.posts.models import Status

MAX_DAYS = 400
"""The longest stretch one request may ask for."""


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    total: int
    previous_total: int
    data: list[tuple[date, int]]


Rows = Callable[[AsyncSession, datetime, datetime], Awaitable[list[tuple[datetime, Any]]]]
"""(moment, who) rows in ``[start, end)``; ``who`` is None when every row counts."""


async def _rows(session: AsyncSession, query: Any) -> list[tuple[datetime, Any]]:
    return [(row[0], row[1] if len(row) > 1 else None) for row in await session.execute(query)]


async def _active_users(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[datetime, Any]]:
    query = (
        select(AnalyticsEvent.created_at, AnalyticsEvent.actor_account_id)
        .join(Account, Account.id == AnalyticsEvent.actor_account_id)
        .where(
            Account.domain.is_(None),
            AnalyticsEvent.created_at >= start,
            AnalyticsEvent.created_at < end,
        )
    )
    return await _rows(session, query)


async def _new_users(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[datetime, Any]]:
    query = select(User.created_at).where(User.created_at >= start, User.created_at < end)
    return await _rows(session, query)


async def _interactions(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[datetime, Any]]:
    target = aliased(Status, name="target")
    favourites = (
        select(Favourite.created_at)
        .join(target, target.id == Favourite.status_id)
        .where(target.local.is_(True), Favourite.created_at >= start, Favourite.created_at < end)
    )
    out = await _rows(session, favourites)
    for column in (Status.reblog_of_id, Status.in_reply_to_id):
        shares = (
            select(Status.created_at)
            .join(target, target.id == column)
            .where(
                target.local.is_(True),
                Status.account_id != target.account_id,
                Status.created_at >= start,
                Status.created_at < end,
            )
        )
        out += await _rows(session, shares)
    return out


async def _opened_reports(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[datetime, Any]]:
    query = select(Report.created_at).where(Report.created_at >= start, Report.created_at < end)
    return await _rows(session, query)


async def _resolved_reports(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[datetime, Any]]:
    query = select(Report.action_taken_at).where(
        Report.action_taken_at >= start, Report.action_taken_at < end
    )
    return await _rows(session, query)


MEASURES: dict[str, Rows] = {
    "active_users": _active_users,
    "new_users": _new_users,
    "interactions": _interactions,
    "opened_reports": _opened_reports,
    "resolved_reports": _resolved_reports,
}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _day(moment: datetime) -> date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date()


def _total(rows: list[tuple[datetime, Any]]) -> int:
    distinct = {who for _, who in rows if who is not None}
    return len(distinct) if distinct else len(rows)


async def measure(session: AsyncSession, key: str, first: date, last: date) -> Measure:
    """``key`` from ``first`` to ``last`` (both included)."""
    rows_of = MEASURES[key]
    days = (last - first).days + 1
    rows = await rows_of(session, _midnight(first), _midnight(last + timedelta(days=1)))
    before = await rows_of(session, _midnight(first - timedelta(days=days)), _midnight(first))
    counts = Counter(_day(moment) for moment, who in rows if who is None)
    people: dict[date, set[Any]] = {}
    for moment, who in rows:
        if who is not None:
            people.setdefault(_day(moment), set()).add(who)
    data = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        data.append((day, len(people.get(day, ())) + counts.get(day, 0)))
    return Measure(key=key, total=_total(rows), previous_total=_total(before), data=data)
