"""On a SQLite file the server's commits run on the event loop's thread, with SQLite's own
checkpoint turned off (it would stop the loop for an fsync); ``storage/checkpoint.py`` copies
the WAL into the database from a thread instead. What an operator would notice without it: the
WAL file growing with every write for as long as the server runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import bindparam, text

from porina.storage.checkpoint import EVERY
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt

WRITE = Prebuilt(text("INSERT INTO scratch (v) VALUES (:v)").bindparams(bindparam("v")))


async def _writes(db: Database, count: int) -> None:
    for n in range(count):
        async with db.transaction() as tx:
            await tx.run(WRITE, {"v": f"{n:08d}" + "x" * 3000})


async def test_the_wal_stays_small_however_many_commits(tmp_path: Path) -> None:
    path = tmp_path / "porina.db"
    with sqlite3.connect(path) as made:
        made.execute("PRAGMA journal_mode=WAL")
        made.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, v TEXT)")
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        wal = tmp_path / "porina.db-wal"
        await _writes(db, EVERY * 2)
        grown = wal.stat().st_size
        await _writes(db, EVERY * 8)
        # each write adds a page or more; checkpointed frames are written over from the
        # start of the file, so it does not grow with the number of writes
        assert wal.stat().st_size <= grown * 1.5
        assert wal.stat().st_size < EVERY * 8 * 4096
        with sqlite3.connect(path) as read:
            assert read.execute("SELECT count(*) FROM scratch").fetchone() == (EVERY * 10,)
    finally:
        await db.dispose()
