"""Figures per status (issue 17, point 4): each of an account's statuses with its lifetime
counts, one status over time (hourly for its first 48 hours, daily after), and the best
times to post (engagements per post by weekday and hour of publishing)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.analytics import figures
from porina.analytics.models import (
    AnalyticsEvent,
    AnalyticsImpressions,
    AnalyticsStatusDaily,
    AnalyticsStatusHourly,
    AnalyticsViewer,
)
from porina.core.clock import aware, now
from porina.posts.models import Status

STATUS_COUNTS = ("impressions", *figures.ENGAGEMENTS, "bookmarks")
HOURLY = timedelta(hours=48)
WEEKS = 16
MIN_POSTS = 10
"""Fewer posts than this in the last ``WEEKS`` weeks: best times from the whole instance."""
ENGAGING = (
    "interaction:favourite:create",
    "interaction:reblog:create",
    "interaction:bookmark:create",
    "post:reply:create",
    "post:quote:create",
)


@dataclass(frozen=True, slots=True)
class Published:
    id: int
    account_id: int
    created_at: datetime
    visibility: str
    url: str | None


async def statuses_of(
    session: AsyncSession, account_id: int, start: datetime, end: datetime
) -> list[Published]:
    """The account's statuses published in ``[start, end)`` and not deleted (no boosts, no
    direct messages)."""
    query = select(
        Status.id, Status.account_id, Status.created_at, Status.visibility, Status.url
    ).where(
        Status.account_id == account_id,
        Status.created_at >= start,
        Status.created_at < end,
        Status.reblog_of_id.is_(None),
        Status.visibility != "direct",
        Status.deleted_at.is_(None),
        Status.local.is_(True),
    )
    return [Published(*row) for row in (await session.execute(query)).all()]


async def one_of(session: AsyncSession, account_id: int, status_id: int) -> Published | None:
    """``status_id`` if it is one of the account's statuses that ``statuses_of`` lists."""
    query = select(
        Status.id, Status.account_id, Status.created_at, Status.visibility, Status.url
    ).where(
        Status.id == status_id,
        Status.account_id == account_id,
        Status.reblog_of_id.is_(None),
        Status.visibility != "direct",
        Status.deleted_at.is_(None),
        Status.local.is_(True),
    )
    row = (await session.execute(query)).first()
    return Published(*row) if row is not None else None


def _about(row: figures.Row) -> int | None:
    """The status an engaging event is about."""
    if row.name == "post:reply:create":
        return figures.as_int(row.data.get("parent_id"))
    if row.name == "post:quote:create":
        return figures.as_int(row.data.get("quoted_id"))
    return row.target_id


async def engaging_rows(
    session: AsyncSession,
    start: datetime,
    account_id: int | None = None,
    end: datetime | None = None,
    statuses: Sequence[int] | None = None,
) -> list[figures.Row]:
    """Engaging events in ``[start, end)``: about ``statuses`` (the index on the status an
    event is about), else about ``account_id``'s statuses, else anyone's."""
    query = select(
        AnalyticsEvent.name,
        AnalyticsEvent.actor_account_id,
        AnalyticsEvent.target_id,
        AnalyticsEvent.target_account_id,
        AnalyticsEvent.data,
        AnalyticsEvent.created_at,
    ).where(*figures.during(start, end), AnalyticsEvent.name.in_(ENGAGING))
    if statuses is not None:
        query = query.where(AnalyticsEvent.about_status_id.in_(list(statuses)))
    elif account_id is not None:
        query = query.where(
            or_(
                AnalyticsEvent.target_account_id == account_id,
                AnalyticsEvent.name == "post:quote:create",
            )
        )
    return [figures.Row(*r) for r in (await session.execute(query)).all()]


def by_status(
    rows: Sequence[figures.Row], authors: dict[int, int]
) -> dict[int, list[tuple[str, datetime]]]:
    """(figure, when) of each status in ``authors`` (status id -> author), as the dictionary
    counts them (not by the author; bookmarks apart)."""
    out: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for row in rows:
        status_id = _about(row)
        author = authors.get(status_id) if status_id is not None else None
        if status_id is None or author is None:
            continue
        for kind, about in figures.classify(row, author):
            if about == status_id and kind in STATUS_COUNTS:
                out[status_id].append((kind, row.created_at))
    return out


async def lifetime(
    session: AsyncSession, account_id: int, posts: Sequence[Published]
) -> dict[int, Counter[str]]:
    """Each status's counts since it was published (rolled-up days, then the raw tail), and
    ``reach``: distinct signed-in readers over the days whose viewers are kept."""
    ids = [p.id for p in posts]
    out: dict[int, Counter[str]] = {i: Counter() for i in ids}
    if not ids:
        return out
    done = await figures.last_rolled(session)
    start = min(p.created_at for p in posts)
    if done is not None:
        rolled = await session.execute(
            select(
                AnalyticsStatusDaily.status_id,
                *(func.sum(getattr(AnalyticsStatusDaily, k)) for k in STATUS_COUNTS),
            )
            .where(AnalyticsStatusDaily.status_id.in_(ids), AnalyticsStatusDaily.day <= done)
            .group_by(AnalyticsStatusDaily.status_id)
        )
        for status_id, *values in rolled.all():
            out[status_id].update(dict(zip(STATUS_COUNTS, map(int, values), strict=True)))
        start = max(start, figures.day_start(done + timedelta(days=1)))
    authors = {p.id: p.account_id for p in posts}
    for status_id, seen in by_status(
        await engaging_rows(session, start, account_id, statuses=ids), authors
    ).items():
        out[status_id].update(kind for kind, _ in seen)
    shown = await session.execute(
        select(AnalyticsImpressions.status_id, func.sum(AnalyticsImpressions.impressions))
        .where(
            AnalyticsImpressions.status_id.in_(ids),
            AnalyticsImpressions.hour >= start.replace(minute=0, second=0, microsecond=0),
        )
        .group_by(AnalyticsImpressions.status_id)
    )
    for status_id, count in shown.all():
        out[status_id]["impressions"] += int(count)
    readers = await session.execute(
        select(AnalyticsViewer.status_id, func.count(func.distinct(AnalyticsViewer.viewer_id)))
        .where(AnalyticsViewer.status_id.in_(ids))
        .group_by(AnalyticsViewer.status_id)
    )
    for status_id, count in readers.all():
        out[status_id]["reach"] = int(count)
    return out


def engagements(counts: Counter[str]) -> int:
    return sum(counts[k] for k in figures.ENGAGEMENTS)


@dataclass(frozen=True, slots=True)
class Point:
    start: datetime
    hourly: bool
    counts: Counter[str]


def buckets(created_at: datetime, until: datetime) -> list[tuple[datetime, bool]]:
    """Hour starts for the first 48 hours after publishing, then a bucket to the next UTC
    midnight and one per UTC day, up to ``until``."""
    out: list[tuple[datetime, bool]] = []
    moment = created_at.replace(minute=0, second=0, microsecond=0)
    while moment < min(created_at + HOURLY, until):
        out.append((moment, True))
        moment += timedelta(hours=1)
    if moment < until:
        out.append((moment, False))
    day = figures.day_start(moment.date()) + timedelta(days=1)
    while day < until:
        out.append((day, False))
        day += timedelta(days=1)
    return out


async def over_time(session: AsyncSession, post: Published) -> list[Point]:
    """The status's counts per hour for its first 48 hours, then per UTC day (each day from
    the end of the hourly part). What the daily job has rolled up (the days up to its last)
    is read from the status's rollups: the hours from ``analytics_status_hourly``, whole
    days from ``analytics_status_daily``, the part-day after the hours as that day less its
    hours; the rest (today, any day not rolled up yet) from the raw events of that window
    only. So the cost does not grow with the post's age or the account's volume, and the
    figures stay after the raw events are deleted."""
    until = now()
    marks = buckets(post.created_at, until)
    points = [Point(start, hourly, Counter()) for start, hourly in marks]
    if not points:
        return points
    starts = [p.start for p in points]

    def slot(moment: datetime) -> Point | None:
        at = bisect_right(starts, moment) - 1
        return points[at] if at >= 0 else None

    done = await figures.last_rolled(session)
    raw_from = post.created_at
    if done is not None and figures.day_start(done + timedelta(days=1)) > post.created_at:
        raw_from = figures.day_start(done + timedelta(days=1))
        await _from_rollups(session, post, [p for p in points if p.start < raw_from])
    rows = await engaging_rows(session, raw_from, post.account_id, statuses=[post.id])
    for kind, moment in by_status(rows, {post.id: post.account_id}).get(post.id, []):
        target = slot(moment)
        if target is not None:
            target.counts[kind] += 1
    shown = await session.execute(
        select(AnalyticsImpressions.hour, AnalyticsImpressions.impressions).where(
            AnalyticsImpressions.status_id == post.id,
            AnalyticsImpressions.hour >= raw_from.replace(minute=0, second=0, microsecond=0),
        )
    )
    for hour, count in shown.all():
        target = slot(hour)
        if target is not None:
            target.counts["impressions"] += int(count)
    return points


async def _from_rollups(session: AsyncSession, post: Published, points: list[Point]) -> None:
    """Fill ``points`` (all within rolled-up days) from the status's hourly and daily rows."""
    if not points:
        return
    hours = await session.execute(
        select(
            AnalyticsStatusHourly.hour, *(getattr(AnalyticsStatusHourly, k) for k in STATUS_COUNTS)
        ).where(AnalyticsStatusHourly.status_id == post.id)
    )
    by_hour = {
        aware(hour): dict(zip(STATUS_COUNTS, values, strict=True)) for hour, *values in hours.all()
    }
    days = await session.execute(
        select(AnalyticsStatusDaily.day, *(getattr(AnalyticsStatusDaily, k) for k in STATUS_COUNTS))
        .where(AnalyticsStatusDaily.status_id == post.id)
        .where(AnalyticsStatusDaily.day <= points[-1].start.date())
    )
    by_day = {day: dict(zip(STATUS_COUNTS, values, strict=True)) for day, *values in days.all()}
    for point in points:
        if point.hourly:
            found = by_hour.get(point.start, {})
        else:
            found = dict(by_day.get(point.start.date(), {}))
            for hour, counts in by_hour.items():  # the day's hours shown hour by hour
                if hour.date() == point.start.date() and hour < point.start:
                    for k, v in counts.items():
                        found[k] = found.get(k, 0) - int(v)
        point.counts.update({k: int(v) for k, v in found.items() if v})


@dataclass(frozen=True, slots=True)
class BestTimes:
    source: str
    cells: list[list[float | None]]


async def best_times(session: AsyncSession, account_id: int, zone: str = "UTC") -> BestTimes:
    """Mean engagements per post by weekday (Monday first) and hour of publishing in the
    time zone ``zone`` (the reader's), over the last ``WEEKS`` weeks: the account's own
    posts, or the instance's local posts when the account has fewer than ``MIN_POSTS``."""
    local = ZoneInfo(zone)
    start = now() - timedelta(weeks=WEEKS)
    own = await statuses_of(session, account_id, start, now())
    source = "account"
    posts = own
    if len(own) < MIN_POSTS:
        source = "instance"
        query = select(
            Status.id, Status.account_id, Status.created_at, Status.visibility, Status.url
        ).where(
            Status.created_at >= start,
            Status.reblog_of_id.is_(None),
            Status.visibility.in_(("public", "unlisted")),
            Status.deleted_at.is_(None),
            Status.local.is_(True),
        )
        posts = [Published(*row) for row in (await session.execute(query)).all()]
    authors = {p.id: p.account_id for p in posts}
    scope = account_id if source == "account" else None
    engaged = await engagements_since(session, start, scope, authors)
    total = [[0] * 24 for _ in range(7)]
    count = [[0] * 24 for _ in range(7)]
    for post in posts:
        published = aware(post.created_at).astimezone(local)
        day, hour = published.weekday(), published.hour
        count[day][hour] += 1
        total[day][hour] += engaged[post.id]
    cells = [
        [total[d][h] / count[d][h] if count[d][h] else None for h in range(24)] for d in range(7)
    ]
    return BestTimes(source, cells)


async def engagements_since(
    session: AsyncSession, start: datetime, scope: int | None, authors: dict[int, int]
) -> Counter[int]:
    """Engagements of the statuses in ``authors`` (id -> author) since ``start``, all of
    them published since: the rolled-up days from the daily table (by ``scope``'s index when
    it is one account), the days after from the raw events."""
    out: Counter[int] = Counter()
    done = await figures.last_rolled(session)
    if done is not None and done >= start.date():
        daily = AnalyticsStatusDaily
        first, *rest = (getattr(daily, k) for k in figures.ENGAGEMENTS)
        total = sum(rest, first)
        query = (
            select(daily.status_id, func.sum(total))
            .where(daily.day >= start.date(), daily.day <= done)
            .group_by(daily.status_id)
        )
        if scope is not None:
            query = query.where(daily.account_id == scope)
        for status_id, engagements in (await session.execute(query)).all():
            if status_id in authors:
                out[status_id] += int(engagements)
        start = max(start, figures.day_start(done + timedelta(days=1)))
    for status_id, seen in by_status(await engaging_rows(session, start, scope), authors).items():
        out[status_id] += sum(1 for kind, _ in seen if kind in figures.ENGAGEMENTS)
    return out
