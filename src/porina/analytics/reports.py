"""What the analytics API answers, from ``figures``: an account's overview of a period
against the period of equal length just before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.analytics import figures
from porina.core.errors import Unprocessable

MAX_DAYS = 400
"""The longest period one request may ask for."""
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)
"""The days a period may hold: ids (which bound raw reads) are milliseconds since 1970 in 64
bits, so a far date has no id."""


@dataclass(frozen=True, slots=True)
class Span:
    """The days ``first..last``, both included, in the time zone ``zone`` (an IANA name)."""

    first: date
    last: date
    zone: str = figures.UTC_ZONE

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The moment (UTC) the first day begins in ``zone``."""
        return figures.local_start(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The moment (UTC) the last day ends in ``zone``."""
        return figures.local_start(self.last + timedelta(days=1), self.zone)

    def previous(self) -> Span:
        return Span(
            self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.zone
        )


def span(from_: str | None, to: str | None, zone: str = figures.UTC_ZONE) -> Span:
    """``from``..``to`` (YYYY-MM-DD, both days included, in ``zone``); by default the last
    28 days up to today there."""
    try:
        last = date.fromisoformat(to) if to else figures.local_today(zone)
        first = date.fromisoformat(from_) if from_ else None
    except ValueError as error:
        raise Unprocessable("Validation failed: from and to are dates (YYYY-MM-DD)") from error
    if not FIRST_DAY <= last <= LAST_DAY or (first is not None and first < FIRST_DAY):
        raise Unprocessable(
            f"Validation failed: from and to are days from {FIRST_DAY} to {LAST_DAY}"
        )
    first = first or last - timedelta(days=27)
    if first > last:
        raise Unprocessable("Validation failed: from must not be after to")
    if (last - first).days + 1 > MAX_DAYS:
        raise Unprocessable(f"Validation failed: a period is at most {MAX_DAYS} days")
    return Span(first, last, zone)


@dataclass(frozen=True, slots=True)
class Period:
    followers_start: int
    followers_end: int
    totals: figures.Totals

    def rate(self, denominator: int) -> float | None:
        engaged = self.totals.engagements()
        return engaged / denominator if denominator else None


async def period(session: AsyncSession, account_id: int, when: Span, keep_days: int = 0) -> Period:
    """``when``'s figures (its days in its zone); ``keep_days`` is ``analytics_raw_days`` (how
    far back the viewers reach counts are kept)."""
    today = figures.local_today()  # the raw rows are pruned by UTC days
    kept_from = today - timedelta(days=keep_days) if keep_days > 0 else None
    found = await figures.totals(
        session, account_id, when.first, when.last, kept_from, zone=when.zone
    )
    current = await session.scalar(select(Account.followers_count).where(Account.id == account_id))
    after = await figures.followers_since(
        session, account_id, when.last + timedelta(days=1), when.zone
    )
    end = max(int(current or 0) - after, 0)
    net = found.counts["followers_gained"] - found.counts["followers_lost"]
    return Period(max(end - net, 0), end, found)
