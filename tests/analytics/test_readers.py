"""An account's reach over any days, from the bitmap of days per reader
(``analytics/readers.py``): what the flush writes, read back over periods that start, end
and cross the 32-day blocks anywhere, equals the distinct readers counted by hand; and the
migration that adds the bitmaps fills them from the readers already kept."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.analytics import impressions, readers
from porina.core.clock import now
from porina.storage import migrate

from ..conftest import PG_URL, _create_pg_database, _drop_pg_database
from ..support.world import Isolated, isolated

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=10 if ON_PG else 25,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow],
)
SPAN = 100
"""Days back from today the readers are seen on (about three blocks)."""
SEEN = st.lists(
    st.tuples(st.integers(1, 6), st.integers(0, SPAN - 1), st.integers(1, 3)),
    min_size=1,
    max_size=30,
)
"""(reader, days ago, which of the author's statuses)."""
PERIOD = st.tuples(st.integers(0, SPAN - 1), st.integers(0, SPAN - 1))


async def _check(env: Isolated, seen: list[tuple[int, int, int]], period: tuple[int, int]) -> None:
    author = 10_000 + uuid.uuid4().int % 1_000_000  # a new author for each example
    today = now().date()
    impressions.BUFFER.take()
    for reader, ago, status in seen:
        moment = datetime.combine(today - timedelta(days=ago), datetime.min.time(), UTC)
        page = ((author * 10 + status, author), (1, 99))  # and another author's status
        impressions.BUFFER.add(moment + timedelta(hours=reader), reader, page)
    await impressions.flush(env.services.db)
    await impressions.flush(env.services.db)  # nothing twice
    first, last = sorted(today - timedelta(days=n) for n in period)
    expected = {r for r, ago, _ in seen if first <= today - timedelta(days=ago) <= last}
    async with env.services.db.read() as session:
        assert await readers.reach(session, author, first, last) == len(expected)
        assert await readers.reach(session, author, last + timedelta(days=1), last) == 0


def test_reach_is_the_distinct_readers_of_any_period(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(SEEN, PERIOD)
        def prop(seen: list[tuple[int, int, int]], period: tuple[int, int]) -> None:
            loop.run_until_complete(_check(env, seen, period))

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()


def test_a_block_holds_its_days_as_bits() -> None:
    block_start = date(1970, 1, 1) + timedelta(days=readers.BLOCK * 640)
    seen = [(7, block_start, 1), (7, block_start + timedelta(days=31), 1), (7, block_start, 2)]
    assert readers.bitmaps(seen) == {(7, 640, 1): 1 | 1 << 31, (7, 640, 2): 1}


@pytest.fixture
def empty_database(tmp_path: Path) -> str:
    if PG_URL:
        return _create_pg_database(PG_URL)
    return f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"


async def _exec(url: str, statement: str) -> list[tuple[int, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement))
            return [tuple(row) for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


def test_the_migration_fills_the_bitmaps_from_the_kept_readers(empty_database: str) -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(empty_database))
    before = scripts.get_revision(readers_revision()).down_revision
    assert isinstance(before, str)
    migrate.upgrade(empty_database, before)
    rows = [(1, "2026-01-31", 5), (2, "2026-01-31", 5), (1, "2026-02-01", 5), (1, "2026-03-05", 6)]
    values = ", ".join(f"({s}, '{d}', {v}, 42)" for s, d, v in rows)
    columns = "(status_id, day, viewer_id, account_id)"
    asyncio.run(_exec(empty_database, f"INSERT INTO analytics_viewers {columns} VALUES {values}"))
    migrate.upgrade(empty_database, readers_revision())
    found = asyncio.run(
        _exec(empty_database, "SELECT block, viewer_id, days FROM analytics_readers ORDER BY 1, 2")
    )
    expected = readers.bitmaps((42, date.fromisoformat(d), v) for _, d, v in rows)
    assert found == sorted((b, v, n) for (_, b, v), n in expected.items())
    if PG_URL:
        _drop_pg_database(PG_URL, empty_database)


def readers_revision() -> str:
    """The migration that adds ``analytics_readers``."""
    versions = Path(migrate.__file__).parent.parent / "migrations" / "versions"
    [found] = versions.glob("*_analytics_readers.py")
    return found.name[:4]
