"""SQLite's WAL checkpoints, in a thread of their own.

A write transaction commits on the event loop's thread (``Tx.commit_directly``), so SQLite's
automatic checkpoint, which runs inside the ``COMMIT`` that crosses 1,000 pages of WAL and
copies them to the database file with an fsync (40-70 ms on a busy virtual disk), would stop
every request and stream for that long. The server's connections turn it off
(``PRAGMA wal_autocheckpoint=0``) and this runs a ``PASSIVE`` checkpoint (it waits for no
reader or writer) every ``EVERY`` commits, on a connection of its own in a worker thread,
while the committing transaction still holds the process's write lock, as the automatic one
did: with no frame added meanwhile the checkpoint copies the whole WAL, so the next write
starts it again from the beginning instead of growing the file. A crash loses nothing: what
is in the WAL is the database until copied.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

log = logging.getLogger(__name__)

EVERY = 200
"""Commits between checkpoints: a write rarely adds more than a few pages to the WAL."""


class Checkpointer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.commits = 0
        self._connection: sqlite3.Connection | None = None

    async def committed(self) -> None:
        """Count a commit; every ``EVERY`` commits checkpoint, in the committing transaction
        while it still holds the process's write lock (as SQLite's own checkpoint ran inside
        the ``COMMIT`` that crossed its limit), from a worker thread: the event loop goes on,
        and no task outlives the transaction (the tests run the app on two event loops)."""
        self.commits += 1
        if self.commits < EVERY:
            return
        self.commits = 0
        try:
            await asyncio.to_thread(self._checkpoint)
        except sqlite3.Error:  # the next one catches up; the WAL is still the database
            log.exception("WAL checkpoint failed")

    def _checkpoint(self) -> None:
        if self._connection is None:
            self._connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
        self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
