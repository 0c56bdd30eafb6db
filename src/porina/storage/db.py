"""The database: engines, sessions, and transactions with after-commit hooks.

Reads use ``db.read()``; every write goes through ``db.transaction()``, which yields a ``Tx``.
Actions schedule side effects (jobs are rows, so they commit with the write; streaming events,
mail and wake-ups are callbacks) with ``tx.after_commit``. They run only once the transaction
has committed, so no event ever speaks of a write that was rolled back.

SQLite runs in WAL mode; write transactions start with ``BEGIN IMMEDIATE`` and are serialised
by an in-process lock, so concurrent writers queue instead of failing with "database is locked".
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Insert,
    Table,
    bindparam,
    event,
    insert,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

from porina.storage import inline_sqlite
from porina.storage.checkpoint import Checkpointer
from porina.storage.fastread import SQLITE_MMAP_BYTES, STATEMENT_CACHE, FastReader, Prebuilt
from porina.storage.loop_pool import LoopPool

if TYPE_CHECKING:
    from porina.settings import Settings
    from porina.storage.broker import Broker
    from porina.storage.invalidation import Invalidations

log = logging.getLogger(__name__)

UNCOUNTED = "porina_uncounted"
"""An execution option: statements run with it are left out of ``Database.query_count``."""

AfterCommit = Callable[[], Awaitable[None]]
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Ran:
    """What ``Tx.run`` gives back: the rows as driver values (tuples), and ``rowcount``."""

    rows: list[Row]
    rowcount: int

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def one(self) -> Row:
        if len(self.rows) != 1:
            raise NoResultFound() if not self.rows else MultipleResultsFound()
        return self.rows[0]

    def all(self) -> list[Row]:
        return self.rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


class Context(Protocol):
    """The running system's parts a transaction hands to actions; the composition root's
    ``Services`` is one. Read on every use, so a changed setting takes effect at once."""

    @property
    def settings(self) -> Settings: ...

    @property
    def broker(self) -> Broker: ...

    @property
    def invalidations(self) -> Invalidations: ...


class Tx:
    """A write transaction in progress: the session plus what to do once it commits.

    ``settings``, ``broker`` and ``invalidations`` are the running system's parts an action
    may need, from the ``Context`` attached to the ``Database``.
    """

    def __init__(self, session: AsyncSession, db: Database) -> None:
        self.session = session
        self.db = db
        self._after: list[AfterCommit] = []
        self._appended: dict[Table, list[dict[str, Any]]] = {}
        self._sqlite: sqlite3.Connection | None = None
        self.wakes_jobs = False
        """Set once a job was enqueued: the runner is woken after commit (``jobs.queue``)."""

    @property
    def settings(self) -> Settings:
        return self.db.context.settings

    @property
    def broker(self) -> Broker:
        return self.db.context.broker

    @property
    def invalidations(self) -> Invalidations:
        return self.db.context.invalidations

    async def run(
        self, statement: Prebuilt, params: Mapping[str, Any], *, large: bool = False
    ) -> Ran:
        """A prebuilt statement on this transaction's connection: its SQL text compiled once
        per dialect, so no statement building, cache key or ORM step per call (on a hot
        write those cost more CPU than the statement). Rows come back as driver values, as
        from ``FastReader``; ``rowcount`` says what a write changed. ``large``: on SQLite
        the statement runs in a worker thread (``sqlite3`` lets go of the GIL meanwhile), for
        a write of hundreds of rows that would hold the event loop for milliseconds."""
        connection = await self._flushed_connection()
        compiled = statement.compiled(connection.dialect)
        arguments = tuple(compiled.arguments(params))
        return await self._execute(connection, compiled.sql, arguments, large=large)

    async def run_many(
        self, statement: Prebuilt, params: Sequence[Mapping[str, Any]], *, uncounted: bool = False
    ) -> None:
        """``run`` once per parameter set, as one ``executemany`` (one statement counted;
        none with ``uncounted``, as the execution option ``UNCOUNTED``)."""
        if not params:
            return
        connection = await self._flushed_connection()
        compiled = statement.compiled(connection.dialect)
        arguments = [tuple(compiled.arguments(p)) for p in params]
        await self._execute_many(connection, compiled.sql, arguments, uncounted=uncounted)

    async def _execute(
        self, connection: AsyncConnection, sql: str, arguments: Row, *, large: bool = False
    ) -> Ran:
        """On SQLite the statement runs at once on the transaction's own ``sqlite3``
        connection, in this thread: inside ``BEGIN IMMEDIATE`` it never waits for a lock,
        and a hop to aiosqlite's thread would wait for a turn of the event loop while the
        process's write lock is held (under load, many turns per write); a ``large`` one in
        a worker thread of its own, the loop serving meanwhile. Elsewhere (and for an
        in-memory SQLite database, private to aiosqlite's thread) through the driver."""
        direct = await self._direct(connection)
        if direct is not None:
            self.db.query_count += 1
            if large:
                return await asyncio.to_thread(_direct_run, direct, sql, arguments)
            return _direct_run(direct, sql, arguments)
        result = await connection.exec_driver_sql(sql, arguments)
        rows = [tuple(r) for r in result.all()] if result.returns_rows else []
        return Ran(rows, result.rowcount)

    async def commit_directly(self) -> bool:
        """On SQLite, ``COMMIT`` on the transaction's own connection in this thread (the
        session's commit then finds nothing to commit): the write lock is not held across a
        hop to aiosqlite's thread. False when nothing was committed here."""
        if not self.db.direct_writes:
            return False
        direct = await self._direct(await self._flushed_connection())
        if direct is None or not direct.in_transaction:
            return False
        with _as_sqlalchemy("COMMIT", ()):
            direct.execute("COMMIT").close()
        return True

    async def _direct(self, connection: AsyncConnection) -> sqlite3.Connection | None:
        if not self.db.direct_writes:
            return None
        if self._sqlite is None:
            self._sqlite = _sqlite_of((await connection.get_raw_connection()).driver_connection)
        return self._sqlite

    async def insert_if_absent(
        self, model: Any, values: dict[str, Any], *, unique: Sequence[str]
    ) -> bool:
        """``insert_if_absent`` as a prebuilt statement (one per table, unique key and set of
        columns): True when this call inserted the row."""
        connection = await self._flushed_connection()
        dialect = connection.dialect
        values = with_defaults(model.__table__, values)
        statement = _prebuilt_if_absent(dialect.name, model.__table__, tuple(unique), tuple(values))
        compiled = statement.compiled(dialect)
        ran = await self._execute(connection, compiled.sql, tuple(compiled.arguments(values)))
        return bool(ran.rowcount)

    async def insert(self, model: Any, values: dict[str, Any]) -> None:
        """A row inserted at once by a prebuilt ``INSERT`` (one per table and set of
        columns), the columns' Python-side defaults filled in; no ORM unit of work."""
        connection = await self._flushed_connection()
        values = with_defaults(model.__table__, values)
        compiled = _prebuilt_insert(model.__table__, tuple(values)).compiled(connection.dialect)
        await self._execute(connection, compiled.sql, tuple(compiled.arguments(values)))

    async def _flushed_connection(self) -> AsyncConnection:
        """The transaction's connection, after the session's pending changes are flushed (as
        ``session.execute`` would autoflush: a row added through the ORM may be referenced)."""
        session = self.session
        if session.new or session.dirty or session.deleted:
            await session.flush()
        return await session.connection()

    def append(self, table: Table, row: dict[str, Any]) -> None:
        """Queue ``row`` for ``table``, written just before commit (one ``INSERT`` per table
        with every queued row): for append-only records nothing in the transaction reads
        back, such as analytics events, where the ORM's unit of work would cost a flush."""
        self._appended.setdefault(table, []).append(row)

    async def write_appended(self) -> None:
        """The queued rows, one prebuilt ``INSERT`` per table and set of columns (rows of
        one table normally share their columns; each must give every column with a
        Python-side default)."""
        appended, self._appended = self._appended, {}
        if not appended:
            return
        connection = await self._flushed_connection()
        for table, rows in appended.items():
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in rows:
                shapes.setdefault(tuple(row), []).append(row)
            for columns, same in shapes.items():
                compiled = _prebuilt_insert(table, columns).compiled(connection.dialect)
                arguments = [tuple(compiled.arguments(row)) for row in same]
                await self._execute_many(connection, compiled.sql, arguments)

    async def _execute_many(
        self,
        connection: AsyncConnection,
        sql: str,
        arguments: list[Row],
        *,
        uncounted: bool = False,
    ) -> None:
        direct = await self._direct(connection)
        if direct is None:
            given = arguments if len(arguments) > 1 else arguments[0]
            options = {UNCOUNTED: True} if uncounted else {}
            await connection.exec_driver_sql(sql, given, execution_options=options)
            return
        if not uncounted:
            self.db.query_count += 1
        with _as_sqlalchemy(sql, arguments):
            direct.executemany(sql, arguments).close()

    def after_commit(self, callback: AfterCommit) -> None:
        self._after.append(callback)

    async def run_after_commit(self) -> None:
        for callback in self._after:
            try:
                await callback()
            except Exception:  # a failed side effect must not undo a committed write
                log.exception("after-commit callback failed")


class Database:
    def __init__(self, url: str, *, echo: bool = False, pooled: bool = True) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.pooled = pooled
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            # check_same_thread: a write transaction's prebuilt statements run on its
            # connection from the event loop's thread (``Tx._execute``), never concurrently
            # with aiosqlite's own thread, which only runs what the same transaction awaits.
            # The driver runs on the loop's thread (``inline_sqlite``), a long read in a
            # worker thread.
            kwargs["async_creator"] = _sqlite_creator(url)
        else:
            kwargs["connect_args"] = {"prepared_statement_cache_size": STATEMENT_CACHE}
        if not pooled:
            # One engine used from several event loops (the test client runs the app on a
            # loop of its own; asyncpg connections are bound to the loop that opened them):
            # SQLite's connections are opened per checkout, PostgreSQL's kept per loop.
            kwargs["poolclass"] = NullPool if self.is_sqlite else LoopPool
        elif not self.is_sqlite:
            # LIFO: the connection used last, whose statements are prepared, is taken first
            # (FIFO took each pooled connection in turn, each preparing every statement);
            # no pre-ping: ``_closed_is_gone`` at checkout instead.
            kwargs.update(pool_size=10, max_overflow=20, pool_use_lifo=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        else:
            event.listen(self.engine.sync_engine, "checkout", _closed_is_gone)
        self._write_engine = self.engine.execution_options(porina_write=True)
        self._read_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self._write_engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        database = self.engine.url.database if self.is_sqlite else None
        self.direct_writes = bool(database) and database != ":memory:"
        """SQLite on a file: ``Tx`` runs prebuilt statements on the connection directly."""
        self.checkpoints = (
            Checkpointer(database)
            if database and self.direct_writes and self._write_lock is not None
            else None
        )
        self.query_count = 0
        self.context: Context
        self.wake_jobs: AfterCommit | None = None
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count)
        self.fast = FastReader(self)

    def attach(self, context: Context) -> None:
        """The parts a transaction hands to actions (``tx.settings``, ``tx.broker``, ...); the
        composition root calls this once, before the first transaction."""
        self.context = context

    def _count(self, conn: object, cursor: object, statement: str, *args: Any) -> None:
        """Counts statements sent to the database. Left out: SQLite's ``BEGIN`` (PostgreSQL
        sends it implicitly, so pinned query counts mean the same on both), and statements run
        with the execution option ``UNCOUNTED`` (background housekeeping, such as the
        impressions' flush, which may run while a request is being measured)."""
        if statement.startswith("BEGIN"):
            return
        context = args[1]  # (parameters, context, executemany)
        if context is not None and context.execution_options.get(UNCOUNTED):
            return
        self.query_count += 1

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        if self._write_lock is not None:
            await self._write_lock.acquire()
        lock = self._write_lock
        try:
            async with self._write_sessions() as session:
                tx = Tx(session, self)
                async with session.begin():
                    yield tx
                    await tx.write_appended()
                    if await tx.commit_directly() and lock is not None:
                        if self.checkpoints is not None:
                            await self.checkpoints.committed()
                        lock.release()  # the session's own commit after it has nothing to do
                        lock = None
        finally:
            if lock is not None:
                lock.release()
        await tx.run_after_commit()

    async def run_alone(self, statement: Prebuilt, params: Mapping[str, Any]) -> list[Row]:
        """One prebuilt statement (a write included) as a transaction of its own, its rows as
        driver values. On PostgreSQL one round trip on ``FastReader``'s pool: no ``BEGIN``
        and ``COMMIT`` around it (three round trips and a session through the engine); the
        statement commits as it ends, as durably as any commit, and is all or nothing. On
        SQLite a ``transaction()`` (the process's writers queue on its lock)."""
        if self.is_sqlite:
            async with self.transaction() as tx:
                return (await tx.run(statement, params)).rows
        return await self.fast.fetch(statement, params)

    async def dispose(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.close()
        await self.fast.close()
        await self.engine.dispose()


def _closed_is_gone(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
    """A pooled PostgreSQL connection the server closed (a restart, an idle timeout) is
    replaced at checkout, as ``pool_pre_ping`` would, without its round trips: asyncpg marks a
    connection closed when its socket ends, so asking costs nothing (the ping was ``BEGIN``,
    ``;`` and ``ROLLBACK``: three round trips before every transaction and session read). A
    connection that dies unnoticed fails its statement, and SQLAlchemy then discards the
    pool's older connections."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError()


def _sqlite_creator(url: str) -> Any:
    """``inline_sqlite``'s connections to the database ``url`` names, opened as
    SQLAlchemy's aiosqlite dialect would open them (its ``create_connect_args``)."""
    args, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    options.update(timeout=30, check_same_thread=False, cached_statements=STATEMENT_CACHE)
    return inline_sqlite.creator(*args, **options)


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine
    direct = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        if direct:  # commits run on the loop's thread: checkpoints in a thread (checkpoint.py)
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("porina_write", False)
        if write and direct and _begin_directly(conn):
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _begin_directly(conn: Connection) -> bool:
    """``BEGIN IMMEDIATE`` on the connection in this thread when no other process holds the
    writer (the process's own writers queue on its lock); False when one does, so the caller
    waits for it through aiosqlite's thread (busy timeout 30 s) instead of blocking the loop."""
    raw = _sqlite_of(conn.connection.driver_connection)
    raw.execute("PRAGMA busy_timeout=0").close()
    try:
        raw.execute("BEGIN IMMEDIATE").close()
    except sqlite3.OperationalError:
        return False
    finally:
        raw.execute("PRAGMA busy_timeout=30000").close()
    return True


SLOTS = (1, 4, 16, 64, 256, 1024)
"""The sizes of prebuilt ``IN`` lists (``in_slots``): a list of ids is padded to the next."""


def slots_for(count: int) -> int:
    """The ``IN`` list size that holds ``count`` ids (at most ``SLOTS[-1]``)."""
    for size in SLOTS:
        if count <= size:
            return size
    raise ValueError(f"{count} ids: at most {SLOTS[-1]} in one prebuilt IN list")


@functools.cache
def in_slots(name: str, size: int, type_: Any = BigInteger) -> tuple[BindParameter[Any], ...]:
    """``size`` bound parameters ``{name}_0``... for a prebuilt ``column.in_(...)`` (a
    ``Prebuilt`` takes no expanding parameter): one statement per size of ``SLOTS``; ids
    unless ``type_`` says otherwise (a hashtag's name: ``String``)."""
    return tuple(bindparam(f"{name}_{i}", type_=type_) for i in range(size))


def slot_values(name: str, ids: Sequence[Any], size: int) -> dict[str, Any]:
    """The parameters of ``in_slots(name, size)`` for ``ids`` (not empty), padded with the
    first id (a repeated ``IN`` element changes nothing)."""
    padded = [*ids, *([ids[0]] * (size - len(ids)))]
    return dict(zip(_slot_names(name, size), padded, strict=True))


@functools.cache
def _slot_names(name: str, size: int) -> tuple[str, ...]:
    return tuple(f"{name}_{i}" for i in range(size))


def probe(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether a row meets ``conditions``, as a scalar subquery with ``LIMIT 1``: an index
    probe per outer row on both databases. Use it instead of ``EXISTS`` in a selected
    column correlated with the outer row: PostgreSQL may answer such an ``EXISTS`` by
    hashing every row on the uncorrelated side (every follower of the viewer, every mention
    of a brand) on each statement, where it cannot hash a scalar subquery."""
    found: ColumnElement[bool] = (
        select(true()).where(*conditions).limit(1).scalar_subquery().is_not(None)
    )
    return found


@functools.cache
def _insert_if_absent(dialect: str, table: Table, unique: tuple[str, ...]) -> Insert:
    build: Any = sqlite_insert if dialect == "sqlite" else postgresql_insert
    statement: Insert = build(table).on_conflict_do_nothing(index_elements=list(unique))
    return statement


@functools.cache
def _prebuilt_insert(table: Table, columns: tuple[str, ...]) -> Prebuilt:
    _check_defaults(table, columns)
    values = {name: bindparam(name, type_=table.c[name].type) for name in columns}
    return Prebuilt(insert(table).values(values))


def with_defaults(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` plus every column's Python-side default it does not give (a driver-level
    execution does not compute them), in the table's column order."""
    out: dict[str, Any] = {}
    for column in table.c:
        if column.name in values:
            out[column.name] = values[column.name]
        elif column.default is not None:
            default: Any = column.default
            out[column.name] = default.arg(None) if default.is_callable else default.arg
    return out


def _check_defaults(table: Table, columns: tuple[str, ...]) -> None:
    """Every column with a Python-side default must be given: a driver-level execution does
    not compute defaults."""
    missing = {c.name for c in table.c if c.default is not None} - set(columns)
    if missing:
        raise ValueError(f"{table.name}: give {sorted(missing)} (defaults are not computed)")


@functools.cache
def _prebuilt_if_absent(
    dialect: str, table: Table, unique: tuple[str, ...], columns: tuple[str, ...]
) -> Prebuilt:
    _check_defaults(table, columns)
    values = {name: bindparam(name, type_=table.c[name].type) for name in columns}
    return Prebuilt(_insert_if_absent(dialect, table, unique).values(values))


async def insert_if_absent(
    session: AsyncSession, model: Any, values: dict[str, Any], *, unique: Sequence[str]
) -> bool:
    """``INSERT ... ON CONFLICT (unique) DO NOTHING``: one statement where a look-up, a
    savepoint, the insert and its release were four, and a concurrent insert of the same row
    is no error. True when this call inserted the row. The statement is built once per table
    (on the table, not the ORM class: a plain Core insert), the values passed as parameters."""
    dialect = session.get_bind().dialect.name
    statement = _insert_if_absent(dialect, model.__table__, tuple(unique))
    result: Any = await session.execute(statement, values)
    return bool(result.rowcount)


def _sqlite_of(driver: Any) -> sqlite3.Connection:
    """The ``sqlite3`` connection inside aiosqlite's ``Connection`` (as SQLAlchemy's own
    aiosqlite adapter reaches it)."""
    found: sqlite3.Connection = driver._conn
    return found


def _direct_run(direct: sqlite3.Connection, sql: str, arguments: Row) -> Ran:
    """``sql`` on the transaction's own ``sqlite3`` connection, in the calling thread."""
    with _as_sqlalchemy(sql, arguments):
        cursor = direct.execute(sql, arguments)
        try:
            return Ran(cursor.fetchall(), cursor.rowcount)
        finally:
            cursor.close()


@contextmanager
def _as_sqlalchemy(sql: str, arguments: Any) -> Iterator[None]:
    """``sqlite3`` errors raised as SQLAlchemy raises them (``IntegrityError``, ...), so a
    statement run on the connection directly fails as one run through the engine would."""
    try:
        yield
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, arguments, error, sqlite3.Error) from error
