"""Every SQLite connection reads the database through a memory map (``SQLITE_MMAP_BYTES``):
the fast reader's and the ORM's. Without it each connection copies pages into a 2 MB cache
that another connection's commit empties (docs/performance.md, session 31)."""

from __future__ import annotations

from sqlalchemy import text

from porina.storage.db import Database
from porina.storage.fastread import SQLITE_MMAP_BYTES, Prebuilt

MAPPED = Prebuilt(text("PRAGMA mmap_size"))


async def test_every_sqlite_connection_reads_through_the_map(sqlite_db: str) -> None:
    db = Database(f"sqlite+aiosqlite:///{sqlite_db}")
    try:
        assert await db.fast.fetch(MAPPED, {}) == [(SQLITE_MMAP_BYTES,)]
        async with db.read() as session:
            assert (await session.execute(text("PRAGMA mmap_size"))).scalar() == SQLITE_MMAP_BYTES
    finally:
        await db.dispose()
