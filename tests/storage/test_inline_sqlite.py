"""The engine's SQLite driver (``storage/inline_sqlite.py``) runs statements where they are
awaited, and a read that runs long again in a worker thread: its rows are the same, the
event loop keeps serving meanwhile, a failing read still fails as SQLAlchemy's error, a write
is never interrupted, the streaming hub's lane and the job runner's context read in a thread,
and a transaction sees its own writes and commits them."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from porina.storage import inline_sqlite
from porina.storage.db import Database
from porina.storage.fastread import lane

# Counting to a few million in a recursive CTE: far longer than ``INLINE_SECONDS`` on any
# machine, and an answer to check.
LONG = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :top) "
    "SELECT count(*), sum(i) FROM n"
)
TOP = 3_000_000


@dataclass
class Inline:
    """A database on the driver, and the threads its ``thread_of()`` SQL function ran on."""

    db: Database
    threads: list[int] = field(default_factory=list)


@pytest.fixture
async def inline(tmp_path: Path) -> AsyncIterator[Inline]:
    found = Inline(Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}"))

    def thread_of() -> int:
        found.threads.append(threading.get_ident())
        return 0

    @event.listens_for(found.db.engine.sync_engine, "connect")
    def _thread_of(dbapi_connection: Any, _: object) -> None:
        dbapi_connection.create_function("thread_of", 0, thread_of)

    async with found.db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield found
    await found.db.dispose()


@pytest.fixture
def db(inline: Inline) -> Database:
    return inline.db


async def test_a_long_read_leaves_the_loop_and_answers_the_same(db: Database) -> None:
    ticks = 0
    running = True

    async def tick() -> None:
        nonlocal ticks
        while running:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    before = ticks
    async with db.read() as session:
        row = (await session.execute(text(LONG), {"top": TOP})).one()
    during = ticks - before
    running = False
    await ticker
    assert tuple(row) == (TOP, TOP * (TOP + 1) // 2)
    # The loop turned while SQLite counted (hundreds of thousands of turns here; held on the
    # loop, the read would leave it the few turns of the session's own awaits)
    assert during > 1000


async def test_a_short_read_runs_where_it_is_awaited(inline: Inline) -> None:
    async with inline.db.read() as session:
        assert (await session.execute(text("SELECT thread_of()"))).scalar_one() == 0
    assert inline.threads == [threading.get_ident()]


async def test_the_streaming_lane_reads_in_a_thread(inline: Inline) -> None:
    with lane("stream"):
        async with inline.db.read() as session:
            assert (await session.execute(text("SELECT thread_of()"))).scalar_one() == 0
    assert inline.threads and inline.threads[0] != threading.get_ident()


async def test_the_job_runners_context_reads_in_a_thread(inline: Inline) -> None:
    with inline_sqlite.threaded():
        async with inline.db.read() as session:
            assert (await session.execute(text("SELECT thread_of()"))).scalar_one() == 0
    async with inline.db.read() as session:  # outside it, on the loop again
        assert (await session.execute(text("SELECT thread_of()"))).scalar_one() == 0
    loop_thread = threading.get_ident()
    assert inline.threads[0] != loop_thread and inline.threads[1] == loop_thread


async def test_a_cancelled_long_read_leaves_its_connection_whole(db: Database) -> None:
    """Cancelled while its statement runs in a worker thread: the connection is not rolled
    back or closed under the running statement (``sqlite3`` would crash), the statement is
    interrupted, and the pool's connections serve and close afterwards."""

    async def long_read() -> None:
        async with db.read() as session:
            await session.execute(text(LONG), {"top": 100 * TOP})

    task = asyncio.create_task(long_read())
    await asyncio.sleep(0.05)  # past INLINE_SECONDS: in a worker thread
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(3):
        async with db.read() as session:
            assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0
    await db.engine.dispose()


async def test_a_failing_read_fails_as_the_driver_error(db: Database) -> None:
    async with db.read() as session:
        with pytest.raises(OperationalError, match="no such table"):
            await session.execute(text("SELECT * FROM missing"))
    async with db.read() as session:  # the connection went back to the pool usable
        assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0


async def test_a_long_write_is_not_interrupted_and_commits(db: Database) -> None:
    fill = (
        "INSERT INTO notes (body) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
        "SELECT 'note ' || i FROM n"
    )
    async with db.transaction() as tx:
        await tx.session.execute(text(fill))
        inside = (await tx.session.execute(text("SELECT count(*) FROM notes"))).scalar_one()
    assert inside == 300_000
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 300_000


async def test_a_read_moved_to_a_thread_keeps_the_transactions_snapshot(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.session.execute(text("INSERT INTO notes (body) VALUES ('mine')"))
    async with db.read() as session:
        first = (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one()
        async with db.transaction() as tx:  # another connection writes meanwhile
            await tx.session.execute(text("INSERT INTO notes (body) VALUES ('theirs')"))
        long = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :top) "
            "SELECT (SELECT count(*) FROM notes), count(*) FROM n"
        )
        again = (await session.execute(text(long), {"top": TOP})).one()
    assert first == 1 and tuple(again) == (1, TOP)  # the snapshot, in the thread too
