"""The daily rollup (issue 17, point 5): each day at 00:10 UTC, every day not rolled up yet
(up to yesterday) is written to ``analytics_status_daily`` and ``analytics_account_daily``
from the raw tables, with the rules reads use (``figures.classify``), and marked in
``analytics_rolled_days``; then raw rows older than ``analytics_raw_days`` whose days are
rolled up are deleted. Reads take rolled-up days from the daily tables (``figures.totals``).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select

from porina.accounts.models import Account
from porina.analytics import figures
from porina.analytics.models import (
    AnalyticsAccountDaily,
    AnalyticsEvent,
    AnalyticsImpressions,
    AnalyticsRolledDay,
    AnalyticsStatusDaily,
    AnalyticsViewer,
)
from porina.core.clock import now
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.storage.db import Database, Tx

log = logging.getLogger(__name__)
FIRST_RUN_DAYS = 31
"""How far back the first run starts when nothing is rolled up yet."""
STATUS_COUNTS = ("impressions", "reach", *figures.ENGAGEMENTS, "bookmarks")


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


async def _events(
    tx: Tx, day: date
) -> tuple[dict[int, Counter[str]], dict[tuple[int, int], Counter[str]]]:
    """Per account and per (status, author): the counts of ``day`` from the raw events."""
    start, end = figures.day_start(day), figures.day_start(day + timedelta(days=1))
    query = select(
        AnalyticsEvent.name,
        AnalyticsEvent.actor_account_id,
        AnalyticsEvent.target_id,
        AnalyticsEvent.target_account_id,
        AnalyticsEvent.data,
        AnalyticsEvent.created_at,
    ).where(AnalyticsEvent.created_at >= start, AnalyticsEvent.created_at < end)
    rows = [figures.Row(*r) for r in (await tx.session.execute(query)).all()]
    local = await _local(tx, set().union(*(_whose(r) for r in rows)) if rows else set())
    accounts: dict[int, Counter[str]] = defaultdict(Counter)
    statuses: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for row in rows:
        for account_id in _whose(row) & local:
            for kind, status_id in figures.classify(row, account_id):
                accounts[account_id][kind] += 1
                if status_id is not None and kind in STATUS_COUNTS:
                    statuses[(status_id, account_id)][kind] += 1
    return accounts, statuses


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


async def roll_day(tx: Tx, day: date) -> None:
    """Write ``day``'s rollups (replacing any earlier ones) and mark it rolled up."""
    accounts, statuses = await _events(tx, day)
    await _seen(tx, day, accounts, statuses)
    session = tx.session
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
    await session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.created_at < start))
    await session.execute(delete(AnalyticsImpressions).where(AnalyticsImpressions.hour < start))
    await session.execute(delete(AnalyticsViewer).where(AnalyticsViewer.day < limit))


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
