"""The daily rollup (issue 17, point 5): each day at 00:10 UTC, every day not rolled up yet
(up to yesterday) is written to ``analytics_status_daily`` and ``analytics_account_daily``
from the raw tables, with the rules reads use (``figures.classify``), and marked in
``analytics_rolled_days``; then raw rows older than ``analytics_raw_days`` whose days are
rolled up are deleted. Reads take rolled-up days from the daily tables (``figures.totals``).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select

from porina.accounts.models import Account
from porina.analytics import figures, readers
from porina.analytics.models import (
    AnalyticsAccountDaily,
    AnalyticsEvent,
    AnalyticsImpressions,
    AnalyticsReaders,
    AnalyticsRolledDay,
    AnalyticsStatusDaily,
    AnalyticsStatusHourly,
    AnalyticsViewer,
)
from porina.core.clock import aware, now
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.posts.models import Status
from porina.storage.db import Database, Tx

log = logging.getLogger(__name__)
FIRST_RUN_DAYS = 31
"""How far back the first run starts when nothing is rolled up yet."""
STATUS_COUNTS = ("impressions", "reach", *figures.ENGAGEMENTS, "bookmarks")
HOURLY_COUNTS = ("impressions", *figures.ENGAGEMENTS, "bookmarks")
FIRST_HOURS = timedelta(hours=48)
"""A status's hours rolled up one by one (``per_status.HOURLY``; days after, by day)."""
CHUNK = 1000


def _whose(row: figures.Row) -> set[int]:
    """The accounts an event may count for."""
    quoted = figures.as_int(row.data.get("quoted_account_id"))
    return {a for a in (row.actor, row.target_account_id, quoted) if a is not None}


async def _local(tx: Tx, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    found = await tx.session.scalars(
        select(Account.id).where(Account.id.in_(ids), Account.domain.is_(None))
    )
    return set(found)


Moment = tuple[int, int, str, datetime]
"""(status, author, figure, when): one count about a status, for the hourly rollup."""


async def _events(
    tx: Tx, day: date
) -> tuple[dict[int, Counter[str]], dict[tuple[int, int], Counter[str]], list[Moment]]:
    """Per account and per (status, author): the counts of ``day`` from the raw events; and
    each count about a status with its time."""
    start, end = figures.day_start(day), figures.day_start(day + timedelta(days=1))
    query = select(
        AnalyticsEvent.name,
        AnalyticsEvent.actor_account_id,
        AnalyticsEvent.target_id,
        AnalyticsEvent.target_account_id,
        AnalyticsEvent.data,
        AnalyticsEvent.created_at,
    ).where(*figures.during(start, end))
    rows = [figures.Row(*r) for r in (await tx.session.execute(query)).all()]
    local = await _local(tx, set().union(*(_whose(r) for r in rows)) if rows else set())
    accounts: dict[int, Counter[str]] = defaultdict(Counter)
    statuses: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    moments: list[Moment] = []
    for row in rows:
        for account_id in _whose(row) & local:
            for kind, status_id in figures.classify(row, account_id):
                accounts[account_id][kind] += 1
                if status_id is not None and kind in STATUS_COUNTS:
                    statuses[(status_id, account_id)][kind] += 1
                    moments.append((status_id, account_id, kind, aware(row.created_at)))
    return accounts, statuses, moments


async def _seen(
    tx: Tx,
    day: date,
    accounts: dict[int, Counter[str]],
    statuses: dict[tuple[int, int], Counter[str]],
) -> None:
    """Add the day's impressions and reach, per status and per account."""
    start, end = figures.day_start(day), figures.day_start(day + timedelta(days=1))
    shown = await tx.session.execute(
        select(
            AnalyticsImpressions.status_id,
            AnalyticsImpressions.account_id,
            func.sum(AnalyticsImpressions.impressions),
        )
        .where(AnalyticsImpressions.hour >= start, AnalyticsImpressions.hour < end)
        .group_by(AnalyticsImpressions.status_id, AnalyticsImpressions.account_id)
    )
    for status_id, account_id, count in shown.all():
        statuses[(status_id, account_id)]["impressions"] += int(count)
        accounts[account_id]["impressions"] += int(count)
    per_status = await tx.session.execute(
        select(AnalyticsViewer.status_id, AnalyticsViewer.account_id, func.count())
        .where(AnalyticsViewer.day == day)
        .group_by(AnalyticsViewer.status_id, AnalyticsViewer.account_id)
    )
    for status_id, account_id, count in per_status.all():
        statuses[(status_id, account_id)]["reach"] = int(count)
    per_account = await tx.session.execute(
        select(AnalyticsViewer.account_id, func.count(func.distinct(AnalyticsViewer.viewer_id)))
        .where(AnalyticsViewer.day == day)
        .group_by(AnalyticsViewer.account_id)
    )
    for account_id, count in per_account.all():
        accounts[account_id]["reach"] = int(count)


def _values(keys: dict[str, Any], counts: Counter[str], names: tuple[str, ...]) -> dict[str, Any]:
    return {**keys, **{n: counts[n] for n in names}}


async def _published(tx: Tx, ids: set[int]) -> dict[int, datetime]:
    """When each status was published (those that still exist)."""
    out: dict[int, datetime] = {}
    listed = sorted(ids)
    for at in range(0, len(listed), CHUNK):
        found = await tx.session.execute(
            select(Status.id, Status.created_at).where(Status.id.in_(listed[at : at + CHUNK]))
        )
        out.update((status_id, aware(created)) for status_id, created in found.all())
    return out


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


async def _hourly(
    tx: Tx, day: date, moments: list[Moment]
) -> dict[tuple[int, int, datetime], Counter[str]]:
    """The counts of ``day`` per status and hour that fall in the status's first 48 hours
    (``per_status.HOURLY``): engagements from ``moments``, impressions from their table."""
    start, end = figures.day_start(day), figures.day_start(day + timedelta(days=1))
    shown = (
        await tx.session.execute(
            select(
                AnalyticsImpressions.status_id,
                AnalyticsImpressions.account_id,
                AnalyticsImpressions.hour,
                AnalyticsImpressions.impressions,
            ).where(AnalyticsImpressions.hour >= start, AnalyticsImpressions.hour < end)
        )
    ).all()
    published = await _published(tx, {m[0] for m in moments} | {r[0] for r in shown})
    out: dict[tuple[int, int, datetime], Counter[str]] = defaultdict(Counter)

    def early(status_id: int, moment: datetime) -> bool:
        at = published.get(status_id)
        return at is not None and at <= moment < at + FIRST_HOURS

    for status_id, account_id, kind, moment in moments:
        if early(status_id, moment):
            out[(status_id, account_id, _hour(moment))][kind] += 1
    for status_id, account_id, hour, count in shown:
        if early(status_id, aware(hour)):
            out[(status_id, account_id, aware(hour))]["impressions"] += int(count)
    return out


async def roll_day(tx: Tx, day: date) -> None:
    """Write ``day``'s rollups (replacing any earlier ones) and mark it rolled up."""
    accounts, statuses, moments = await _events(tx, day)
    await _seen(tx, day, accounts, statuses)
    hourly = await _hourly(tx, day, moments)
    session = tx.session
    start, end = figures.day_start(day), figures.day_start(day + timedelta(days=1))
    await session.execute(
        delete(AnalyticsStatusHourly).where(
            AnalyticsStatusHourly.hour >= start, AnalyticsStatusHourly.hour < end
        )
    )
    if hourly:
        await session.execute(
            insert(AnalyticsStatusHourly),
            [
                _values({"status_id": s, "account_id": a, "hour": h}, c, HOURLY_COUNTS)
                for (s, a, h), c in hourly.items()
            ],
        )
    await session.execute(delete(AnalyticsStatusDaily).where(AnalyticsStatusDaily.day == day))
    await session.execute(delete(AnalyticsAccountDaily).where(AnalyticsAccountDaily.day == day))
    await session.execute(delete(AnalyticsRolledDay).where(AnalyticsRolledDay.day == day))
    account_names = ("reach", *figures.COUNTS)
    if accounts:
        await session.execute(
            insert(AnalyticsAccountDaily),
            [_values({"account_id": a, "day": day}, c, account_names) for a, c in accounts.items()],
        )
    if statuses:
        await session.execute(
            insert(AnalyticsStatusDaily),
            [
                _values({"status_id": s, "account_id": a, "day": day}, c, STATUS_COUNTS)
                for (s, a), c in statuses.items()
            ],
        )
    await session.execute(insert(AnalyticsRolledDay), [{"day": day, "rolled_at": now()}])


async def prune(tx: Tx, keep_days: int, rolled_until: date) -> None:
    """Delete raw rows of days older than ``keep_days`` that are rolled up."""
    if keep_days <= 0:
        return
    limit = min(now().date() - timedelta(days=keep_days), rolled_until + timedelta(days=1))
    start = figures.day_start(limit)
    session = tx.session
    await session.execute(delete(AnalyticsEvent).where(*figures.during(end=start)))
    await session.execute(delete(AnalyticsImpressions).where(AnalyticsImpressions.hour < start))
    await session.execute(delete(AnalyticsViewer).where(AnalyticsViewer.day < limit))
    # Whole blocks before the limit; the block the limit falls in keeps its older bits,
    # which no read asks for (reach is read from the first kept day on).
    first_block = readers.day_number(limit) // readers.BLOCK
    await session.execute(delete(AnalyticsReaders).where(AnalyticsReaders.block < first_block))


async def roll_up(db: Database, keep_days: int) -> list[date]:
    """Roll up every day before today not rolled up yet (each in its own transaction), then
    prune; the days rolled up."""
    yesterday = now().date() - timedelta(days=1)
    async with db.read() as session:
        done = await figures.last_rolled(session)
    first = done + timedelta(days=1) if done else yesterday - timedelta(days=FIRST_RUN_DAYS - 1)
    days = [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]
    for day in days:
        async with db.transaction() as tx:
            await roll_day(tx, day)
    async with db.transaction() as tx:
        await prune(tx, keep_days, yesterday)
    return days


@recurring("analytics.roll_up", every=timedelta(days=1), at=timedelta(minutes=10))
async def daily_roll_up(ctx: JobContext, period: Period) -> None:
    days = await roll_up(ctx.db, ctx.settings.analytics_raw_days)
    log.info("rolled up %d day(s) of analytics for the day from %s", len(days), period.start)
