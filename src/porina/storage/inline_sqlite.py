"""aiosqlite's API on a ``sqlite3`` connection, run in the event loop's thread: the engine's
SQLite driver (``db.Database``).

aiosqlite runs each call (a cursor made, a statement, its rows fetched, the cursor closed, a
commit, a rollback) on a thread of its own and hands the result back through the event loop:
a ``SELECT`` through an ORM session took nine such hops, each a thread's wake-up, a write to
the loop's self-pipe and a turn of the loop. Measured in one process on the bench's world
(2026-12-07, 2 vCPU Intel Xeon): a read session with one trivial statement cost 0.9-1.2 ms of
CPU, the same statement prebuilt on the loop (``fastread``) 6 us. SQLite answers from the
page cache in microseconds, so this driver runs every call where it is awaited.

A statement that runs long must not hold the loop (the loop serves every other request
meanwhile): a read is given ``INLINE_SECONDS`` on the loop, enforced by SQLite's progress
handler; past it SQLite interrupts it and it runs again, whole, in a worker thread (SQLite
releases the GIL while it computes), as aiosqlite ran everything. Only reads are timed and
moved (``SELECT``, ``WITH``, ``PRAGMA``): an interrupted read changed nothing, and it runs
again in the same transaction, on the same connection, with the same snapshot. Writes run on
the loop as ``db.Tx`` already ran its prebuilt statements. The in-process job runner's reads
(``threaded``) and the streaming hub's (``fastread.THREADED_LANES``) go to a worker thread at
once: they serve no one waiting, and in a thread SQLite's work runs on the second core
beside the loop's (the bench's 1,000 streams under 50 posts a second, one run each on one
machine: user streams' events p50 10.8 s late with aiosqlite, 7.6 s with the jobs' reads on
the loop, 2.2 s with them in a thread).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from porina.storage import fastread

INLINE_SECONDS = 0.005
"""How long a read may run on the event loop before it is moved to a worker thread."""
CHECK_EVERY = 20_000
"""SQLite virtual machine instructions between two looks at the clock (a few hundred
microseconds of work at most; a statement that ends sooner never calls back)."""
_READS = ("SELECT", "WITH", "PRAGMA", "EXPLAIN")


_THREADED: ContextVar[bool] = ContextVar("porina_sqlite_threaded", default=False)


@contextmanager
def threaded() -> Iterator[None]:
    """Reads in this context (and the tasks it starts) run in a worker thread from the start:
    the in-process job runner's (fan-out, deliveries, digests read much and serve no one
    waiting; in a thread SQLite's work runs on the second core beside the loop's, as
    aiosqlite ran it)."""
    token = _THREADED.set(True)
    try:
        yield
    finally:
        _THREADED.reset(token)


def _in_thread_now() -> bool:
    return _THREADED.get() or fastread.in_threaded_lane()


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_READS)


class _Clock:
    """The progress handler of one connection: interrupts the running statement once its
    deadline has passed (no deadline: never)."""

    __slots__ = ("deadline", "fired")

    def __init__(self) -> None:
        self.deadline: float | None = None
        self.fired = False

    def __call__(self) -> int:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.fired = True
            return 1
        return 0


def _seen(future: asyncio.Future[Any]) -> None:
    """A worker thread's outcome counts as retrieved (a cancelled caller's statement may end
    in an error no one awaits: it was interrupted)."""
    if not future.cancelled():
        future.exception()


class _RunNow:
    """aiosqlite's queue of calls for its thread (SQLAlchemy's adapter puts its isolation
    level change there): each call runs at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to the waiting caller, as aiosqlite does
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class Cursor:
    """aiosqlite's ``Cursor`` over a ``sqlite3`` cursor."""

    __slots__ = ("_cursor", "_owner", "_rows")

    def __init__(self, cursor: sqlite3.Cursor, owner: Connection) -> None:
        self._cursor = cursor
        self._owner = owner
        self._rows: list[Any] | None = None

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        given = () if parameters is None else parameters
        self._rows = None
        await self._owner.idle()
        if not _is_read(sql):
            self._cursor.execute(sql, given)
        elif _in_thread_now():
            await self._in_thread(sql, given)
        elif not self._timed(sql, given):
            await self._in_thread(sql, given)  # it ran long: again, off the loop
        return self

    def _timed(self, sql: str, given: Sequence[Any]) -> bool:
        """``sql`` on the loop with a deadline; False if SQLite interrupted it."""
        clock = self._owner.clock
        clock.deadline, clock.fired = time.perf_counter() + INLINE_SECONDS, False
        try:
            self._cursor.execute(sql, given)
            if self._cursor.description is not None:
                self._rows = self._cursor.fetchall()
        except sqlite3.OperationalError:
            if not clock.fired:
                raise
            return False
        finally:
            clock.deadline = None
        return True

    async def _in_thread(self, sql: str, given: Sequence[Any]) -> None:
        """``sql`` in a worker thread. The connection is the thread's until the statement
        ends, even if the caller is cancelled meanwhile (then SQLite is asked to interrupt
        it): the connection's next use waits for it (``Connection.idle``), as closing or
        rolling back a ``sqlite3`` connection under a running statement would crash."""
        loop = asyncio.get_running_loop()
        running = loop.run_in_executor(None, self._run_and_fetch, sql, given)
        running.add_done_callback(_seen)
        self._owner.busy = running
        try:
            self._rows = await asyncio.shield(running)
        except asyncio.CancelledError:
            self._owner.interrupt()
            raise

    def _run_and_fetch(self, sql: str, given: Sequence[Any]) -> list[Any] | None:
        self._cursor.execute(sql, given)
        return self._cursor.fetchall() if self._cursor.description is not None else None

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        self._rows = None
        self._cursor.executemany(sql, parameters)
        return self

    def _taken(self) -> list[Any] | None:
        rows, self._rows = self._rows, None
        return rows

    async def fetchall(self) -> list[Any]:
        rows = self._taken()
        return rows if rows is not None else self._cursor.fetchall()

    async def fetchone(self) -> Any:
        rows = self._taken()
        if rows is None:
            return self._cursor.fetchone()
        self._rows = rows[1:]
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._taken()
        if rows is None:
            return self._cursor.fetchmany(size if size is not None else self.arraysize)
        count = size if size is not None else self.arraysize
        self._rows = rows[count:]
        return rows[:count]

    async def close(self) -> None:
        self._rows = None
        self._cursor.close()

    async def setinputsizes(self, *_: Any) -> None:
        return None


class Connection:
    """aiosqlite's ``Connection`` over a ``sqlite3`` connection: what SQLAlchemy's aiosqlite
    adapter uses of it, and ``_conn`` (the ``sqlite3`` connection, as ``db._sqlite_of``
    reaches it)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn
        self._tx = _RunNow()
        self.clock = _Clock()
        self.busy: asyncio.Future[Any] | None = None
        """A statement running in a worker thread (``Cursor._in_thread``)."""
        conn.set_progress_handler(self.clock, CHECK_EVERY)

    async def idle(self) -> None:
        """Wait for a statement running in a worker thread to end."""
        busy = self.busy
        if busy is not None and not busy.done():
            await asyncio.wait((busy,))
        self.busy = None

    def interrupt(self) -> None:
        """Ask SQLite to stop the statement running in a worker thread (thread-safe)."""
        if self._connection is not None:
            self._conn.interrupt()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor(), self)

    async def commit(self) -> None:
        await self.idle()
        self._conn.commit()

    async def rollback(self) -> None:
        await self.idle()
        self._conn.rollback()

    async def close(self) -> None:
        await self.idle()
        self.stop()

    def stop(self) -> None:
        """Close now, or when the statement running in a worker thread has ended."""
        if self._connection is None:
            return
        busy = self.busy
        if busy is not None and not busy.done():
            self.interrupt()
            busy.add_done_callback(lambda _: self.stop())
            return
        self._connection = None
        self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)


def creator(database: str, **kwargs: Any) -> Callable[[], Any]:
    """``create_async_engine(async_creator=...)`` for ``database``: each call opens a
    ``sqlite3`` connection with ``kwargs`` (as ``aiosqlite.connect`` passes them on)."""

    async def connect() -> Connection:
        return Connection(sqlite3.connect(database, **kwargs))

    return connect
