"""What the dashboards draw beside the overview (issue 17, points 3-4): the period day by day,
and the account's top hashtags. The API's export and ``…/hashtags`` answer from here too, so
a page and the API show the same figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.analytics import figures, per_status
from porina.analytics.models import AnalyticsAccountDaily, AnalyticsImpressions, AnalyticsViewer
from porina.analytics.reports import Span
from porina.core.clock import aware, iso
from porina.posts.models import StatusTag, Tag


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    counts: Counter[str]
    reach: int

    @property
    def engagements(self) -> int:
        return sum(self.counts[k] for k in figures.ENGAGEMENTS)

    @property
    def net_followers(self) -> int:
        return self.counts["followers_gained"] - self.counts["followers_lost"]


async def daily(session: AsyncSession, account_id: int, when: Span) -> list[Day]:
    """One ``Day`` per day of ``when`` (reach of each day alone), counted as
    ``figures.totals`` counts each day alone, in five statements whatever the period's length:
    the rolled-up days (with their readers) from the daily table, the later ones from the raw
    events, hourly impressions and distinct readers. In a zone other than UTC, two more: the
    raw events and hourly impressions of the period, to move what falls on another date
    there than in UTC (``figures``' module doc)."""
    counts = {when.first + timedelta(days=n): Counter[str]() for n in range(when.days)}
    reach: dict[date, int] = {}
    done = await figures.last_rolled(session)
    if done is not None and done >= when.first:
        await _rolled(session, account_id, when.first, min(done, when.last), counts, reach=reach)
    if done is None or done < when.last:
        tail = when.first if done is None or done < when.first else done + timedelta(days=1)
        await _live(session, account_id, tail, when.last, counts)
        reach.update(await _raw_reach(session, account_id, tail, when.last))
    if when.zone != figures.UTC_ZONE:
        await _moved(session, account_id, when, counts)
    return [Day(day, found, reach.get(day, 0)) for day, found in counts.items()]


async def _raw_reach(
    session: AsyncSession, account_id: int, first: date, last: date
) -> dict[date, int]:
    """Each day's distinct readers from the raw rows (the rolled-up days' are in the daily
    table: a busy account's raw rows of 90 days are about a million)."""
    raw = await session.execute(
        select(AnalyticsViewer.day, func.count(func.distinct(AnalyticsViewer.viewer_id)))
        .where(
            AnalyticsViewer.account_id == account_id,
            AnalyticsViewer.day >= first,
            AnalyticsViewer.day <= last,
        )
        .group_by(AnalyticsViewer.day)
    )
    return {day: int(n) for day, n in raw.all()}


async def _rolled(
    session: AsyncSession,
    account_id: int,
    first: date,
    last: date,
    into: dict[date, Counter[str]],
    *,
    reach: dict[date, int],
) -> None:
    """The rolled-up days' counts into ``into``, their readers into ``reach``."""
    daily = AnalyticsAccountDaily
    rows = await session.execute(
        select(daily.day, daily.reach, *(getattr(daily, k) for k in figures.COUNTS)).where(
            AnalyticsAccountDaily.account_id == account_id,
            AnalyticsAccountDaily.day >= first,
            AnalyticsAccountDaily.day <= last,
        )
    )
    for day, readers, *values in rows.all():
        if day in into:
            into[day].update({k: int(v) for k, v in zip(figures.COUNTS, values, strict=True)})
            reach[day] = int(readers)


async def _live(
    session: AsyncSession, account_id: int, first: date, last: date, into: dict[date, Counter[str]]
) -> None:
    start, end = figures.day_start(first), figures.day_start(last + timedelta(days=1))
    for row in await figures.events(session, account_id, start, end):
        day = into.get(row.created_at.date())
        if day is not None:
            for kind, _status in figures.classify(row, account_id):
                day[kind] += 1
    shown = await session.execute(
        select(AnalyticsImpressions.hour, AnalyticsImpressions.impressions).where(
            AnalyticsImpressions.account_id == account_id,
            AnalyticsImpressions.hour >= start,
            AnalyticsImpressions.hour < end,
        )
    )
    for hour, count in shown.all():
        day = into.get(hour.date())
        if day is not None:
            day["impressions"] += int(count)


async def _moved(
    session: AsyncSession, account_id: int, when: Span, into: dict[date, Counter[str]]
) -> None:
    """Move each raw count whose date in ``when.zone`` is not its UTC date to its local
    date (a count moved out of the period leaves it; one moved in joins it)."""
    zone = figures.tz(when.zone)
    start = min(when.start, figures.day_start(when.first))
    end = max(when.end, figures.day_start(when.last + timedelta(days=1)))

    def move(moment: datetime, kind: str, amount: int) -> None:
        utc, local = moment.date(), moment.astimezone(zone).date()
        if utc == local:
            return
        if utc in into:
            into[utc][kind] -= amount
        if local in into:
            into[local][kind] += amount

    for row in await figures.events(session, account_id, start, end):
        for kind, _status in figures.classify(row, account_id):
            move(aware(row.created_at), kind, 1)
    shown = await session.execute(
        select(AnalyticsImpressions.hour, AnalyticsImpressions.impressions).where(
            AnalyticsImpressions.account_id == account_id,
            AnalyticsImpressions.hour >= start,
            AnalyticsImpressions.hour < end,
        )
    )
    for hour, count in shown.all():
        move(aware(hour), "impressions", int(count))


@dataclass(frozen=True, slots=True)
class Hashtag:
    name: str
    posts: int
    impressions: int
    engagements: int


async def hashtags(
    session: AsyncSession, account_id: int, when: Span, limit: int = 10
) -> list[Hashtag]:
    """The hashtags of the account's statuses published in ``when`` (as ``…/statuses`` lists
    them: not deleted, no boosts or direct messages), with how many of those statuses carry
    each and their impressions and engagements since publishing; most engagements first,
    then most posts, then by name."""
    posts = await per_status.statuses_of(session, account_id, when.start, when.end)
    if not posts:
        return []
    counts = await per_status.lifetime(session, account_id, posts)
    return rank(await _tags_of(session, [p.id for p in posts]), counts, limit)


async def _tags_of(session: AsyncSession, ids: Sequence[int]) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(StatusTag.status_id, Tag.name)
        .join(Tag, Tag.id == StatusTag.tag_id)
        .where(StatusTag.status_id.in_(ids))
    )
    return [(int(status_id), str(name)) for status_id, name in rows.all()]


def rank(
    tagged: Sequence[tuple[int, str]], counts: dict[int, Counter[str]], limit: int
) -> list[Hashtag]:
    posts: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    engaged: Counter[str] = Counter()
    for status_id, name in tagged:
        found = counts.get(status_id, Counter())
        posts[name] += 1
        shown[name] += found["impressions"]
        engaged[name] += per_status.engagements(found)
    ordered = sorted(posts, key=lambda n: (-engaged[n], -posts[n], n))
    return [Hashtag(n, posts[n], shown[n], engaged[n]) for n in ordered[:limit]]


ORDERS = ("engagements", "impressions")


async def ranked(
    session: AsyncSession, account_id: int, when: Span, order: str = "engagements"
) -> list[tuple[per_status.Published, Counter[str]]]:
    """The account's statuses published in ``when`` with their counts since publishing, most
    engagements (or impressions) first."""
    posts = await per_status.statuses_of(session, account_id, when.start, when.end)
    counts = await per_status.lifetime(session, account_id, posts)

    def key(post: per_status.Published) -> tuple[int, int]:
        found = counts[post.id]
        value = per_status.engagements(found) if order == "engagements" else found["impressions"]
        return (value, post.id)

    return [(p, counts[p.id]) for p in sorted(posts, key=key, reverse=True)]


async def daily_rows(session: AsyncSession, account_id: int, when: Span) -> list[dict[str, object]]:
    """The ``daily`` export's rows (``exports.DAILY_COLUMNS``): ``figures.totals`` of each
    day alone (every figure it counts; days in ``when.zone``), its reach and engagements."""
    out: list[dict[str, object]] = []
    for n in range(when.days):
        day = when.first + timedelta(days=n)
        found = await figures.totals(session, account_id, day, day, zone=when.zone)
        out.append(
            {
                **found.counts,
                "day": day.isoformat(),
                **{k: found.counts[k] for k in figures.COUNTS},
                "reach": found.reach,
                "engagements": found.engagements(),
            }
        )
    return out


def status_rows(
    rows: Sequence[tuple[per_status.Published, Counter[str]]],
) -> list[dict[str, object]]:
    """The ``statuses`` export's rows (``exports.STATUS_COLUMNS``)."""
    return [
        {
            "id": str(post.id),
            "created_at": iso(post.created_at),
            "visibility": post.visibility,
            "url": post.url,
            **{k: counts[k] for k in (*per_status.STATUS_COUNTS, "reach")},
            "engagements": per_status.engagements(counts),
        }
        for post, counts in rows
    ]
