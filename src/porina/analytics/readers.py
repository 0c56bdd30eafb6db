"""Reach over a period, from a bitmap of days per reader (issue 17, point 5).

Reach is the number of distinct signed-in accounts served an account's statuses over some
days. Counted from ``analytics_viewers`` (a row per status, day and reader) that is a
``COUNT(DISTINCT)`` over every reader of every post of every day: about a million rows for
a busy brand's 90 days, a third of a second each on PostgreSQL and more on SQLite
(docs/performance.md, "Analytics at scale"). ``analytics_readers`` keeps, per author, reader
and block of ``BLOCK`` days (days counted from 1970-01-01, UTC), the days of the block the
reader was served any of the author's statuses as bits of one integer; the flush ORs them
in (``ON CONFLICT DO UPDATE SET days = days | excluded.days``). A period's reach reads the
rows of its blocks and keeps a reader when a day of the period is set: one row per reader
and block, whatever the number of posts and days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, and_, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from porina.analytics.models import AnalyticsReaders

BLOCK = 32
EPOCH = date(1970, 1, 1)
READERS: Any = AnalyticsReaders.__table__


def day_number(day: date) -> int:
    return (day - EPOCH).days


def bitmaps(seen: Iterable[tuple[int, date, int]]) -> dict[tuple[int, int, int], int]:
    """(author, day, reader) -> {(author, block, reader): the block's bits}."""
    out: dict[tuple[int, int, int], int] = {}
    for author, day, reader in seen:
        block, bit = divmod(day_number(day), BLOCK)
        key = (author, block, reader)
        out[key] = out.get(key, 0) | (1 << bit)
    return out


def upsert(dialect: str, rows: list[dict[str, Any]]) -> Any:
    """OR the rows' days into the stored ones."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(READERS).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["account_id", "block", "viewer_id"],
        set_={"days": READERS.c.days.op("|")(statement.excluded.days)},
    )


def _mask(low: int, high: int) -> Any:
    """The bits ``low..high`` of a block, as a BIGINT (the top bit does not fit an INT)."""
    return literal(((1 << (high - low + 1)) - 1) << low, BigInteger)


async def reach(session: AsyncSession, account_id: int, first: date, last: date) -> int:
    """Distinct signed-in readers of ``account_id``'s statuses over ``first..last``."""
    if last < first:
        return 0
    (b0, low), (b1, high) = divmod(day_number(first), BLOCK), divmod(day_number(last), BLOCK)
    r = AnalyticsReaders
    if b0 == b1:
        days = and_(r.block == b0, r.days.op("&")(_mask(low, high)) != 0)
    else:
        days = or_(
            and_(r.block == b0, r.days.op("&")(_mask(low, BLOCK - 1)) != 0),
            and_(r.block > b0, r.block < b1),
            and_(r.block == b1, r.days.op("&")(_mask(0, high)) != 0),
        )
    found = await session.scalar(
        select(func.count(func.distinct(r.viewer_id))).where(
            r.account_id == account_id, r.block >= b0, r.block <= b1, days
        )
    )
    return int(found or 0)
