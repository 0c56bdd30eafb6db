"""An account's figures, as the metric dictionary defines them (``analytics/dictionary.py``).

``classify`` turns one ``analytics_events`` row into what it counts for an account: an
engagement of a kind (favourites, reblogs, replies, quotes, by anyone but the author), a
bookmark, a post, a follower gained or lost. The same rules fill the daily rollups
(``rollup.py``) and answer for the days not rolled up yet, so a figure is the same before and
after its day is rolled up.

**Time zones.** The rollups are UTC days. A period of days in another zone (``zone``, an IANA
name: a person's own dashboard) starts and ends at that zone's midnights; its figures are the
UTC days of the same dates, moved by the raw rows of the hours between each local midnight
and the UTC midnight of the same date (``shift``): exact while those raw rows are kept
(``analytics_raw_days``), and on days of 23 or 25 hours. Impressions and profile visits are
kept per UTC hour, so a zone off UTC by a fraction of an hour dates an hour's counts by the
hour's start. Reach counts the readers of the UTC days of the same dates: readers are kept per
UTC day, not per hour.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from porina.analytics import readers
from porina.analytics.models import (
    AnalyticsAccountDaily,
    AnalyticsEvent,
    AnalyticsImpressions,
    AnalyticsProfileVisits,
    AnalyticsRolledDay,
)
from porina.core.clock import now
from porina.core.ids import id_at

ENGAGEMENTS = ("favourites", "reblogs", "replies", "quotes")
COUNTS = ("posts", "impressions", *ENGAGEMENTS, "bookmarks", "followers_gained", "followers_lost")
_GIVEN = {
    "interaction:favourite:create": "favourites",
    "interaction:reblog:create": "reblogs",
    "interaction:bookmark:create": "bookmarks",
}
_POSTS = ("post:status:create", "post:reply:create", "post:quote:create")
FOLLOWS = ("account:follow:create", "account:follow_request:authorize", "account:follow:delete")
"""The events that count for follower growth (``_follows``)."""


@dataclass(frozen=True, slots=True)
class Row:
    """The fields of an analytics event the figures read."""

    name: str
    actor: int | None
    target_id: int | None
    target_account_id: int | None
    data: dict[str, Any]
    created_at: datetime


def as_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def classify(row: Row, account_id: int) -> list[tuple[str, int | None]]:
    """What ``row`` counts for ``account_id``: (figure, the status it is about, if any)."""
    own = row.actor == account_id
    out: list[tuple[str, int | None]] = []
    if row.name in _GIVEN and row.target_account_id == account_id and not own:
        out.append((_GIVEN[row.name], row.target_id))
    if row.name in _POSTS and own:
        out.append(("posts", row.target_id))
    if row.name == "post:reply:create" and row.target_account_id == account_id and not own:
        out.append(("replies", as_int(row.data.get("parent_id"))))
    quoted = as_int(row.data.get("quoted_account_id"))
    if row.name == "post:quote:create" and quoted == account_id and not own:
        out.append(("quotes", as_int(row.data.get("quoted_id"))))
    out.extend(_follows(row, account_id, own))
    return out


def _follows(row: Row, account_id: int, own: bool) -> list[tuple[str, int | None]]:
    if row.name == "account:follow:create" and row.target_account_id == account_id:
        return [("followers_gained", None)]
    if row.name == "account:follow_request:authorize" and own:
        return [("followers_gained", None)]
    if row.name == "account:follow:delete":
        removed = bool(row.data.get("removed_follower"))
        if (removed and own) or (not removed and row.target_account_id == account_id):
            return [("followers_lost", None)]
    return []


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


UTC_ZONE = "UTC"


def tz(name: str) -> ZoneInfo:
    """The zone ``name``; UTC for a name this machine does not know (a stored preference
    whose zone has gone from the tz database is not an error)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(UTC_ZONE)


def local_start(day: date, zone: str = UTC_ZONE) -> datetime:
    """The moment (UTC) ``day`` begins in ``zone``."""
    if zone == UTC_ZONE:
        return day_start(day)
    return datetime.combine(day, time(), tzinfo=tz(zone)).astimezone(UTC)


def local_today(zone: str = UTC_ZONE) -> date:
    return now().astimezone(tz(zone)).date()


ID_SLACK = timedelta(seconds=5)
"""An event's id is made a moment before its ``created_at`` (both from the clock, in
``analytics.events.record``): the id bounds of a window are widened by this much and the
exact bounds are on ``created_at``."""


def during(start: datetime | None = None, end: datetime | None = None) -> list[Any]:
    """The conditions for events made in ``[start, end)``: an id range (ids are time-ordered,
    so a window is a range of the primary key, or of the ``(target_account_id, id)``
    index, however many events are kept) and the exact times."""
    out: list[Any] = []
    if start is not None:
        out += [AnalyticsEvent.id >= id_at(start - ID_SLACK), AnalyticsEvent.created_at >= start]
    if end is not None:
        out += [AnalyticsEvent.id < id_at(end + ID_SLACK), AnalyticsEvent.created_at < end]
    return out


async def events(
    session: AsyncSession,
    account_id: int,
    start: datetime,
    end: datetime,
    names: tuple[str, ...] | None = None,
) -> list[Row]:
    """The events in ``[start, end)`` that may count for ``account_id``: about it (its
    statuses, follows of it), by it, and quotes (which name the quoted account in their
    data), each an index range over the window, in one statement; an event found twice is
    kept once. ``names``: only events of these names (``None``: all)."""
    columns = (
        AnalyticsEvent.id,
        AnalyticsEvent.name,
        AnalyticsEvent.actor_account_id,
        AnalyticsEvent.target_id,
        AnalyticsEvent.target_account_id,
        AnalyticsEvent.data,
        AnalyticsEvent.created_at,
    )
    window = during(start, end)
    if names is not None:
        window.append(AnalyticsEvent.name.in_(names))
    parts = [
        AnalyticsEvent.target_account_id == account_id,
        AnalyticsEvent.actor_account_id == account_id,
    ]
    if names is None or "post:quote:create" in names:
        parts.append(AnalyticsEvent.name == "post:quote:create")
    query = union_all(*(select(*columns).where(part, *window) for part in parts))
    seen: dict[int, Row] = {}
    for event_id, *fields in (await session.execute(query)).all():
        seen.setdefault(event_id, Row(*fields))
    return [seen[k] for k in sorted(seen)]


@dataclass(slots=True)
class Totals:
    """Counts of a stretch of days (``COUNTS``), and reach (distinct signed-in readers)."""

    counts: Counter[str] = field(default_factory=Counter)
    reach: int = 0

    def engagements(self) -> int:
        return sum(self.counts[k] for k in ENGAGEMENTS)


async def impressions(
    session: AsyncSession, account_id: int, start: datetime, end: datetime
) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(AnalyticsImpressions.impressions), 0)).where(
            AnalyticsImpressions.account_id == account_id,
            AnalyticsImpressions.hour >= start,
            AnalyticsImpressions.hour < end,
        )
    )
    return int(total or 0)


async def profile_visits(
    session: AsyncSession, account_id: int, start: datetime, end: datetime
) -> int:
    """Visits of the account's profile in ``[start, end)`` (the dictionary's definition)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(AnalyticsProfileVisits.visits), 0)).where(
            AnalyticsProfileVisits.account_id == account_id,
            AnalyticsProfileVisits.hour >= start,
            AnalyticsProfileVisits.hour < end,
        )
    )
    return int(total or 0)


async def live(
    session: AsyncSession,
    account_id: int,
    first: date,
    last: date,
    names: tuple[str, ...] | None = None,
) -> Counter[str]:
    """Counts of the days ``first..last`` from the raw tables."""
    start, end = day_start(first), day_start(last + ONE_DAY)
    return await between(session, account_id, start, end, names)


async def between(
    session: AsyncSession,
    account_id: int,
    start: datetime,
    end: datetime,
    names: tuple[str, ...] | None = None,
) -> Counter[str]:
    """Counts of ``[start, end)`` from the raw tables (impressions by the hour); with
    ``names``, only what events of those names count (and no impressions)."""
    counts: Counter[str] = Counter()
    for row in await events(session, account_id, start, end, names):
        for kind, _status in classify(row, account_id):
            counts[kind] += 1
    if names is None:
        counts["impressions"] = await impressions(session, account_id, start, end)
    return counts


async def last_rolled(session: AsyncSession) -> date | None:
    found: date | None = await session.scalar(select(func.max(AnalyticsRolledDay.day)))
    return found


async def rolled(session: AsyncSession, account_id: int, first: date, last: date) -> Counter[str]:
    columns = [func.coalesce(func.sum(getattr(AnalyticsAccountDaily, k)), 0) for k in COUNTS]
    row = (
        await session.execute(
            select(*columns).where(
                AnalyticsAccountDaily.account_id == account_id,
                AnalyticsAccountDaily.day >= first,
                AnalyticsAccountDaily.day <= last,
            )
        )
    ).one()
    return Counter({k: int(v) for k, v in zip(COUNTS, row, strict=True)})


async def shift(
    session: AsyncSession,
    account_id: int,
    local: datetime,
    utc: datetime,
    names: tuple[str, ...] | None = None,
) -> Counter[str]:
    """What counting from ``local`` (a zone's midnight) instead of ``utc`` (the UTC midnight
    of the same date) adds: the raw counts between them, negative when ``local`` is later."""
    if local == utc:
        return Counter()
    found = await between(session, account_id, min(local, utc), max(local, utc), names)
    if local < utc:
        return found
    return Counter({k: -v for k, v in found.items()})


async def totals(
    session: AsyncSession,
    account_id: int,
    first: date,
    last: date,
    kept_from: date | None = None,
    *,
    zone: str = UTC_ZONE,
    audience: bool = True,
    names: tuple[str, ...] | None = None,
) -> Totals:
    """The days ``first..last`` (in ``zone``; module doc): rolled-up days from the daily
    table, later ones (today, and any day the job has not reached) from the raw tables, so
    the figures include activity up to the last flush of impressions (seconds old). Reach is
    distinct over the days whose viewers are kept (from ``kept_from``); days before add their
    daily reach (an upper bound). ``audience=False`` leaves out reach and profile visits
    (the readers' tables), for callers that want the counts only; ``names`` reads only
    those raw events (and no raw impressions) for the days not rolled up yet."""
    counts: Counter[str] = Counter()
    done = await last_rolled(session)
    if done is not None and done >= first:
        counts.update(await rolled(session, account_id, first, min(done, last)))
    if done is None or done < last:
        tail = first if done is None or done < first else done + timedelta(days=1)
        counts.update(await live(session, account_id, tail, last, names))
    start, end = local_start(first, zone), local_start(last + ONE_DAY, zone)
    if zone != UTC_ZONE:
        counts.update(await shift(session, account_id, start, day_start(first), names))
        counts.subtract(await shift(session, account_id, end, day_start(last + ONE_DAY), names))
    if not audience:
        return Totals(counts)
    reached = 0
    if kept_from is not None and first < kept_from:
        reached = await rolled_reach(session, account_id, first, min(last, kept_from - ONE_DAY))
        start = max(start, local_start(kept_from, zone))
        first = kept_from
    counts["profile_visits"] = await profile_visits(session, account_id, start, end)
    if first <= last:
        reached += await readers.reach(session, account_id, first, last)
    return Totals(counts, reached)


ONE_DAY = timedelta(days=1)


async def rolled_reach(session: AsyncSession, account_id: int, first: date, last: date) -> int:
    found = await session.scalar(
        select(func.coalesce(func.sum(AnalyticsAccountDaily.reach), 0)).where(
            AnalyticsAccountDaily.account_id == account_id,
            AnalyticsAccountDaily.day >= first,
            AnalyticsAccountDaily.day <= last,
        )
    )
    return int(found or 0)


async def followers_since(
    session: AsyncSession, account_id: int, day: date, zone: str = UTC_ZONE
) -> int:
    """Net followers gained from the start of ``day`` (in ``zone``) until now."""
    today = local_today(zone)
    if day > today:
        return 0
    found = await totals(session, account_id, day, today, zone=zone, audience=False, names=FOLLOWS)
    return found.counts["followers_gained"] - found.counts["followers_lost"]
