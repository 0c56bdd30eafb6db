"""``LoopPool``: a connection pool for an engine used from several event loops.

asyncpg binds a connection to the event loop that opened it, so an engine shared by loops
(the test suite's: the test's own loop, and the loop on which the test client runs the app)
cannot hand a connection opened on one loop to another. SQLAlchemy's answer is ``NullPool``,
a connection per checkout; on PostgreSQL each one is a server process to start, ~8 ms before
its first statement, and the suite's PostgreSQL pass spent most of its time there. This pool
keeps the idle connections of each loop apart and gives a loop only its own. A serving
process runs one loop and uses ``AsyncAdaptedQueuePool`` (``storage.db.Database``)."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy.pool import ConnectionPoolEntry, NullPool

KEPT_PER_LOOP = 10
"""Idle connections kept for each loop; more are closed as they come back."""


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class LoopPool(NullPool):
    """Idle connections by the loop that opened them. A connection comes back to its loop's
    idle list when it is returned on that loop, and is closed otherwise (returned outside a
    loop, or the list is full). ``dispose`` closes the running loop's idle connections; those
    of loops that have ended are dropped (their sockets close as they are collected), and
    those of other running loops stay for their own ``dispose``."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._idle: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, list[ConnectionPoolEntry]
        ] = weakref.WeakKeyDictionary()
        self._opened_on: weakref.WeakKeyDictionary[
            ConnectionPoolEntry, weakref.ReferenceType[asyncio.AbstractEventLoop]
        ] = weakref.WeakKeyDictionary()

    def status(self) -> str:
        return f"LoopPool({sum(len(idle) for idle in self._idle.values())} idle)"

    def _do_get(self) -> ConnectionPoolEntry:
        loop = _running_loop()
        idle = self._idle.get(loop) if loop is not None else None
        if idle:
            return idle.pop()
        record = self._create_connection()
        if loop is not None:
            self._opened_on[record] = weakref.ref(loop)
        return record

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        loop = _running_loop()
        opened = self._opened_on.get(record)
        if loop is None or opened is None or opened() is not loop:
            record.close()
            return
        idle = self._idle.setdefault(loop, [])
        if len(idle) >= KEPT_PER_LOOP:
            record.close()
            return
        idle.append(record)

    def recreate(self) -> LoopPool:
        """The pool that replaces this one after ``dispose``: the idle connections of the
        other running loops move to it."""
        fresh = super().recreate()
        assert isinstance(fresh, LoopPool)  # NullPool.recreate makes one of self's class
        for loop, idle in list(self._idle.items()):
            fresh._idle[loop] = idle
            for record in idle:
                opened = self._opened_on.get(record)
                if opened is not None:
                    fresh._opened_on[record] = opened
        self._idle = weakref.WeakKeyDictionary()
        return fresh

    def dispose(self) -> None:
        loop = _running_loop()
        for other, idle in list(self._idle.items()):
            if other is loop:
                del self._idle[other]
                for record in idle:
                    record.close()
            elif other.is_closed():
                del self._idle[other]
