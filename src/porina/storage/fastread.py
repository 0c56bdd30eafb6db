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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

if TYPE_CHECKING:
    from porina.storage.db import Database

Row = tuple[Any, ...]

GENERIC_PLANS = {"plan_cache_mode": "force_generic_plan"}
"""Planning a page statement takes PostgreSQL 5-8 ms and running it under 1 ms, so each
connection keeps one generic plan per prepared statement instead of planning every call."""

STATEMENT_CACHE = 2048
"""Prepared statements kept per PostgreSQL connection, here and in the engine's pool (asyncpg
and SQLAlchemy's asyncpg adapter keep 100 by default). The endpoints together send hundreds
of distinct statements (74 prebuilt call sites, many built per ``IN`` list size or shape, and
the ORM's): with 100, a connection serving them all evicts and prepares again, a round trip
each."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """The SQL text, and how to make its positional arguments from named parameters: the
    statement's own literals are placed once in ``template``; each given name is converted
    once and put in every slot it fills."""

    sql: str
    template: tuple[Any, ...]
    given: tuple[tuple[str, Callable[[Any], Any] | None, tuple[int, ...]], ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = list(self.template)
        for name, process, slots in self.given:
            value = params[name]
            if process is not None:
                value = process(value)
            for slot in slots:
                values[slot] = value
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
    compiled: Any = statement.compile(dialect=dialect)
    given = {name: bind for bind, name in compiled.bind_names.items() if bind.required}
    # expands fixed IN lists into one placeholder each; the given names stay placeholders
    expanded = compiled.construct_expanded_state({name: None for name in given})
    order: Sequence[str] = expanded.positiontup or ()
    template = tuple(None if name in given else expanded.parameters[name] for name in order)
    plan = tuple(
        (
            name,
            # the dialect's own form of the type: a TypeDecorator's processor alone leaves
            # out its implementation's (on SQLite a datetime went to sqlite3 as a datetime,
            # stored as "...:00" where SQLAlchemy writes "...:00.000000", so a range
            # comparison with an ORM-bound moment missed a whole hour's row)
            given[name].type.dialect_impl(dialect).bind_processor(dialect),
            tuple(i for i, other in enumerate(order) if other == name),
        )
        for name in dict.fromkeys(order)
        if name in given
    )
    return Compiled(str(expanded.statement), template, plan)


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
        self._pools: dict[asyncio.AbstractEventLoop, asyncpg.Pool] = {}

    async def fetch(self, statement: Prebuilt, params: Mapping[str, Any]) -> list[Row]:
        compiled = statement.compiled(self.dialect)
        arguments = compiled.arguments(params)
        self.db.query_count += 1
        if self._path is not None:
            return self._sqlite().execute(compiled.sql, arguments).fetchall()
        if self.db.is_sqlite:  # an in-memory database is private to its own connection
            async with self.db.engine.connect() as conn:
                result = await conn.exec_driver_sql(compiled.sql, tuple(arguments))
                return [tuple(r) for r in result.all()]
        return await self._fetch_pg(compiled.sql, arguments)

    def _sqlite(self) -> sqlite3.Connection:
        found: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if found is None:
            assert self._path is not None
            found = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            found.execute("PRAGMA query_only = ON")
            found.execute("PRAGMA busy_timeout = 5000")
            self._local.connection = found
            with self._lock:
                self._connections.append(found)
        return found

    async def _fetch_pg(self, sql: str, arguments: list[Any]) -> list[Row]:
        pool = await self._pool()
        return [tuple(r) for r in await pool.fetch(sql, *arguments)]

    async def _pool(self) -> asyncpg.Pool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = await asyncpg.create_pool(
                self._dsn(),
                min_size=1,
                max_size=10,
                server_settings=GENERIC_PLANS,
                reset=_unchanged,
                statement_cache_size=STATEMENT_CACHE,
            )
            self._pools[loop] = pool
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
        for other, pool in list(self._pools.items()):
            if other is loop:
                del self._pools[other]
                await pool.close()
            elif other.is_closed():
                del self._pools[other]
