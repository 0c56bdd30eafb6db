"""Hot-path reads run on the database driver itself.

An ``AsyncSession`` read costs far more than the query it runs: on SQLite every step (``BEGIN``,
cursor, execute, fetch, ``ROLLBACK``) is a hop to aiosqlite's thread, and on PostgreSQL the
pool checkout pings the server and the ORM builds objects. Measured on a 20-row home page
(2 cores): SQLAlchemy's async session ~1.35 ms, aiosqlite alone ~0.19 ms, the sqlite3 call
itself ~0.05 ms.

A ``Prebuilt`` statement is written with SQLAlchemy Core like any other (no hand-written
SQL, one text per dialect from the same expression), compiled once per dialect, and run by
``FastReader``:

- SQLite: on a read-only ``sqlite3`` connection, synchronously, in the calling thread. In WAL
  mode a reader never waits for a writer, and a small indexed read is shorter than the thread
  hop it replaces, so the event loop is blocked for less time than it would spend switching.
  The streaming hub's reads (``lane("stream")``) are the exception: a batch's visibility
  statement is ~10 ms for 16 statuses and 1,000 readers (and its first compilation up to
  160 ms), so they are compiled and run in a worker thread (``THREADED_LANES``; ``sqlite3``
  lets go of the GIL while SQLite works), and the event loop serves requests meanwhile.
- PostgreSQL: on an asyncpg pool of its own (asyncpg prepares and caches each statement per
  connection).

Rows come back as plain tuples of driver values (no ORM objects, no result processing), so
statements should select ids, numbers, booleans and short strings. Only for small, indexed,
read-only statements; everything else uses ``Database.read()`` (on PostgreSQL
``Database.run_alone`` also sends a one-statement write through this pool: outside a
transaction it commits as it ends). Every execution counts in
``Database.query_count`` like any other query.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import asyncpg
from sqlalchemy import all_, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement, operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.visitors import ExternallyTraversible, replacement_traverse
from sqlalchemy.types import TypeEngine

if TYPE_CHECKING:
    from porina.storage.db import Database

Row = tuple[Any, ...]

GENERIC_PLANS = {"plan_cache_mode": "force_generic_plan"}
"""Planning a page statement takes PostgreSQL 5-8 ms and running it under 1 ms, so each
connection keeps one generic plan per prepared statement instead of planning every call."""

READ_POOL = 16
"""PostgreSQL connections of a process's pool for prebuilt statements (the API's reads, the
post's own). A connection is held until the event loop hands its rows to the waiting
coroutine, so a busy loop holds each longer: under 1,000 streams and 50 posts a second, with
10 the REST probe's reads waited seconds for one (p99 2.8 s with the hub on its own pool);
with 16, 0.57-0.67 s. Under the desk's full load, 16 did as well as 10 and 20 did worse (more
backends sharing two cores; docs/performance.md, 2026-12-07). One run each."""

STREAM_POOL = 4
"""Connections of the streaming hub's own pool (``lane("stream")``): a batch's reads run at
most three at a time. Sharing the API's pool, they held its connections through the event
loop's lag under 1,000 streams (a read 58 ms at p50 for a statement of ~1 ms) and the API's
reads waited up to 0.3 s for one."""

LANES = {"api": READ_POOL, "stream": STREAM_POOL}
_lane: ContextVar[str] = ContextVar("porina_read_lane", default="api")

THREADED_LANES = frozenset({"stream"})
"""Lanes whose SQLite reads run in a worker thread rather than on the event loop: the hub's
statements read a batch's statuses for hundreds of readers at once (under 1,000 streams and
50 posts a second on SQLite they held the loop for a fifth of its time)."""


def in_threaded_lane() -> bool:
    """Whether reads in this context run in a worker thread (``THREADED_LANES``)."""
    return _lane.get() in THREADED_LANES


@contextmanager
def lane(name: str) -> Iterator[None]:
    """Reads in this context (and the tasks it starts) use pool ``name`` of ``LANES``."""
    token = _lane.set(name)
    try:
        yield
    finally:
        _lane.reset(token)


STATEMENT_CACHE = 2048
"""Prepared statements kept per connection, here and in the engine's pool: PostgreSQL's
(asyncpg and SQLAlchemy's asyncpg adapter keep 100 by default) and SQLite's (Python's
``sqlite3`` keeps 128). The endpoints together send hundreds of distinct statements (74
prebuilt call sites, many built per ``IN`` list size or shape, and the ORM's; the tests of
the API, the web pages, the desk, streaming, timelines and notifications send 135 prebuilt
ones alone): with 100 or 128, a connection serving them all evicts and prepares again. On
PostgreSQL that is a round trip each; on SQLite, parsing and planning again: a desk
conversation's statement took 0.78 ms unprepared against 0.15 ms prepared."""


SQLITE_MMAP_BYTES = 1 << 30
"""How much of a SQLite database each connection reads through a memory map (``PRAGMA
mmap_size``) instead of copying each page into its own page cache (2 MB by default). A
page read through the map is the operating system's cached page, found in place; the page
cache is discarded whenever another connection commits (WAL), the map is not. With eight
staff members' desk lists in turn, each connection's 2 MB cache held no one's pages by the
time their next read came: a list read 0.41 ms of CPU in process, 0.30 with the map
(``scripts/desk-costs --direct --staff 8``, docs/performance.md). Address space, not
memory: a larger database is read the usual way past the first GiB."""

Process = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Given:
    """A named parameter: its conversion, the positions it fills, and for an ``in_slots``
    list sent as one PostgreSQL array, the slot names whose values make the array."""

    name: str
    process: Process
    positions: tuple[int, ...]
    slots: tuple[str, ...] = ()

    def value(self, params: Mapping[str, Any]) -> Any:
        process = self.process
        if self.slots:
            items = [params[slot] for slot in self.slots]
            return items if process is None else [process(item) for item in items]
        value = params[self.name]
        return value if process is None else process(value)


@dataclass(frozen=True, slots=True)
class Compiled:
    """The SQL text, and how to make its positional arguments from named parameters: the
    statement's own literals are placed once in ``template``; each given name is converted
    once and put in every position it fills."""

    sql: str
    template: tuple[Any, ...]
    given: tuple[Given, ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = list(self.template)
        for one in self.given:
            value = one.value(params)
            for position in one.positions:
                values[position] = value
        return values


class Prebuilt:
    """A Core statement compiled once per dialect. Its bound parameters are passed by name
    to ``FastReader.fetch``; expanding (``IN``) parameters are not supported — give each
    element its own ``bindparam``."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, dialect: Dialect) -> Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found


def _compile(statement: ClauseElement, dialect: Dialect) -> Compiled:
    arrays: dict[str, SlotArray] = {}
    if dialect.name == "postgresql":
        statement, arrays = _as_arrays(statement)
    compiled: Any = statement.compile(dialect=dialect)
    given = {name: bind for bind, name in compiled.bind_names.items() if bind.required}
    # expands fixed IN lists into one placeholder each; the given names stay placeholders
    expanded = compiled.construct_expanded_state({name: None for name in given})
    order: Sequence[str] = expanded.positiontup or ()
    template = tuple(None if name in given else expanded.parameters[name] for name in order)
    plan = tuple(
        _given(name, given[name].type, dialect, order, arrays.get(name))
        for name in dict.fromkeys(order)
        if name in given
    )
    return Compiled(str(expanded.statement), template, plan)


@dataclass(frozen=True, slots=True)
class SlotArray:
    """An ``in_slots`` list sent as one array: its element type and slot names."""

    item: TypeEngine[Any]
    slots: tuple[str, ...]


def _given(
    name: str,
    kind: TypeEngine[Any],
    dialect: Dialect,
    order: Sequence[str],
    array: SlotArray | None,
) -> Given:
    # the dialect's own form of the type: a TypeDecorator's processor alone leaves out its
    # implementation's (on SQLite a datetime went to sqlite3 as a datetime, stored as
    # "...:00" where SQLAlchemy writes "...:00.000000", so a range comparison with an
    # ORM-bound moment missed a whole hour's row); an array's items are converted one by one
    item = kind if array is None else array.item
    process = item.dialect_impl(dialect).bind_processor(dialect)
    positions = tuple(i for i, other in enumerate(order) if other == name)
    return Given(name, process, positions, () if array is None else array.slots)


def _as_arrays(statement: ClauseElement) -> tuple[ClauseElement, dict[str, SlotArray]]:
    """PostgreSQL: each ``IN`` list of ``in_slots`` parameters (``name_0`` ... ``name_N``)
    as ``= ANY`` of one array parameter (``NOT IN``: ``<> ALL``). One parameter instead of
    up to 1,024: binding them and testing each row against the list one element at a time
    made a 400-reader visibility statement 7.5 ms instead of 2.7 (``stream_render``). Each
    array parameter's element type and slot count are recorded for ``Given``."""
    arrays: dict[str, SlotArray] = {}

    def swap(element: ExternallyTraversible, **_: Any) -> ExternallyTraversible | None:
        if not isinstance(element, BinaryExpression):
            return None
        if element.operator not in (operators.in_op, operators.not_in_op):
            return None
        slots = _slot_list(element.right)
        if slots is None:
            return None
        name = f"{slots[0].key.removesuffix('_0')}__array"
        arrays[name] = SlotArray(slots[0].type, tuple(str(one.key) for one in slots))
        array: Any = bindparam(name, type_=ARRAY(slots[0].type))
        if element.operator is operators.in_op:
            return element.left == any_(array)
        return element.left != all_(array)

    return cast(ClauseElement, replacement_traverse(statement, {}, swap)), arrays


def _slot_list(right: Any) -> list[BindParameter[Any]] | None:
    """The parameters of an ``IN`` list made by ``storage.db.in_slots``, or None."""
    clauses = getattr(getattr(right, "element", right), "clauses", None)
    if not clauses or not all(isinstance(c, BindParameter) and c.required for c in clauses):
        return None
    first = str(clauses[0].key)
    if not first.endswith("_0"):
        return None
    prefix = first.removesuffix("_0")
    if [c.key for c in clauses] != [f"{prefix}_{i}" for i in range(len(clauses))]:
        return None
    return list(clauses)


async def _unchanged(connection: asyncpg.Connection) -> None:
    """Release without asyncpg's default reset query (``RESET ALL``, ``UNLISTEN *``, ...: a
    second round trip per read). Fast reads change no session state; asyncpg still rolls
    back a connection released inside a transaction."""


def as_datetime(value: Any) -> datetime:
    """A timestamp column as a driver returned it (asyncpg: a datetime; SQLite: the text
    SQLAlchemy stored), as an aware UTC datetime."""
    found: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


class FastReader:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.dialect: Dialect = db.engine.dialect
        database = db.engine.url.database if db.is_sqlite else None
        self._path = database if database and database != ":memory:" else None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pools: dict[tuple[asyncio.AbstractEventLoop, str], asyncpg.Pool] = {}

    async def fetch(self, statement: Prebuilt, params: Mapping[str, Any]) -> list[Row]:
        if self._path is not None and _lane.get() in THREADED_LANES:
            self.db.query_count += 1
            return await asyncio.to_thread(self._sqlite_statement, statement, params)
        compiled = statement.compiled(self.dialect)
        arguments = compiled.arguments(params)
        self.db.query_count += 1
        if self._path is not None:
            return self._sqlite_fetch(compiled.sql, arguments)
        if self.db.is_sqlite:  # an in-memory database is private to its own connection
            async with self.db.engine.connect() as conn:
                result = await conn.exec_driver_sql(compiled.sql, tuple(arguments))
                return [tuple(r) for r in result.all()]
        return await self._fetch_pg(compiled.sql, arguments)

    def _sqlite_statement(self, statement: Prebuilt, params: Mapping[str, Any]) -> list[Row]:
        """Compiled (a first compilation of the hub's 1,024-reader statements takes SQLite's
        dialect 30-160 ms, off the loop here) and run, in the calling thread."""
        compiled = statement.compiled(self.dialect)
        return self._sqlite_fetch(compiled.sql, compiled.arguments(params))

    def _sqlite_fetch(self, sql: str, arguments: list[Any]) -> list[Row]:
        """On this thread's read-only connection."""
        return self._sqlite().execute(sql, arguments).fetchall()

    def _sqlite(self) -> sqlite3.Connection:
        found: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if found is None:
            assert self._path is not None
            found = sqlite3.connect(
                self._path,
                isolation_level=None,
                check_same_thread=False,
                cached_statements=STATEMENT_CACHE,
            )
            found.execute("PRAGMA query_only = ON")
            found.execute("PRAGMA busy_timeout = 5000")
            found.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
            self._local.connection = found
            with self._lock:
                self._connections.append(found)
        return found

    async def _fetch_pg(self, sql: str, arguments: list[Any]) -> list[Row]:
        pool = await self._pool()
        return [tuple(r) for r in await pool.fetch(sql, *arguments)]

    async def _pool(self) -> asyncpg.Pool:
        key = (asyncio.get_running_loop(), _lane.get())
        pool = self._pools.get(key)
        if pool is None:
            pool = await asyncpg.create_pool(
                self._dsn(),
                min_size=1,
                max_size=LANES[key[1]],
                server_settings=GENERIC_PLANS,
                reset=_unchanged,
                statement_cache_size=STATEMENT_CACHE,
            )
            self._pools[key] = pool
        return pool

    def _dsn(self) -> str:
        url = self.db.engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    async def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()
        await self._close_pools()

    async def _close_pools(self) -> None:
        """The running loop's pool is closed; those of loops that have ended are dropped
        (their sockets close as they are collected); another running loop's stays for its
        own ``close`` (the tests use one database from two loops)."""
        loop = asyncio.get_running_loop()
        for key, pool in list(self._pools.items()):
            if key[0] is loop:
                del self._pools[key]
                await pool.close()
            elif key[0].is_closed():
                del self._pools[key]
