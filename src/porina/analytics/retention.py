"""User retention for the admin API (Mastodon's ``Admin::Metrics::Retention``).

A cohort is the local users who signed up in one period (a UTC day or month). For each
period from the cohort's to the last asked for, ``value`` is how many of them were last active
in that period or later, and ``rate`` that number over the cohort's size (0 for an empty
cohort). "Last active" is the later of the user's last sign-in and the account's last
recorded activity (``accounts.last_active_at``), where Mastodon uses the current sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User

FREQUENCIES = ("day", "month")
MAX_PERIODS = 400
"""The most cohorts one request may ask for."""


@dataclass(frozen=True, slots=True)
class CohortData:
    date: date
    rate: float
    value: int


@dataclass(frozen=True, slots=True)
class Cohort:
    period: date
    frequency: str
    data: list[CohortData]


def truncate(day: date, frequency: str) -> date:
    return day.replace(day=1) if frequency == "month" else day


def periods(first: date, last: date, frequency: str) -> list[date]:
    """The periods from ``first``'s to ``last``'s, both included."""
    out: list[date] = []
    current, end = truncate(first, frequency), truncate(last, frequency)
    while current <= end:
        out.append(current)
        if frequency == "month":
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            current += timedelta(days=1)
    return out


def _day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date()


def _later(a: date | None, b: date | None) -> date | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


async def cohorts(session: AsyncSession, first: date, last: date, frequency: str) -> list[Cohort]:
    axis = periods(first, last, frequency)
    if not axis:
        return []
    start = datetime.combine(axis[0], time.min, tzinfo=UTC)
    query = (
        select(User.created_at, User.last_sign_in_at, Account.last_active_at)
        .join(Account, Account.id == User.account_id)
        .where(User.created_at >= start, Account.domain.is_(None))
    )
    members: dict[date, list[date | None]] = {period: [] for period in axis}
    for created, signed_in, active in await session.execute(query):
        joined = _day(created)
        if joined is None:
            continue
        period = truncate(joined, frequency)
        if period in members:
            seen = _later(_day(signed_in), _day(active))
            members[period].append(truncate(seen, frequency) if seen else None)
    out: list[Cohort] = []
    for index, period in enumerate(axis):
        seen_list = members[period]
        size = max(len(seen_list), 1)
        data = []
        for later in axis[index:]:
            value = sum(1 for seen in seen_list if seen is not None and seen >= later)
            data.append(CohortData(date=later, rate=value / size, value=value))
        out.append(Cohort(period=period, frequency=frequency, data=data))
    return out
