"""What a pooled write transaction sends the database: ``BEGIN``, its statements and
``COMMIT``, nothing more. On PostgreSQL every message is a round trip: the pool's pre-ping was
three more (``BEGIN``, ``;``, ``ROLLBACK``) before every transaction, and SQLAlchemy's asyncpg
adapter kept 100 prepared statements per connection, so a busy server prepared most of a
write's statements again (a round trip each). A connection the server closed is still
replaced at checkout, so a database restart fails no write."""

from __future__ import annotations

import asyncio
import sqlite3
from asyncio import selector_events
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import Any

import asyncpg
import pytest
from sqlalchemy import BigInteger, bindparam, event, select

from porina.accounts.models import Account
from porina.services import Services
from porina.settings import Settings
from porina.storage.db import Database
from porina.storage.fastread import STATEMENT_CACHE, Prebuilt

from ..factories import Factory
from .test_tx_statements import NAME as _NAME
from .test_tx_statements import RENAME


def _distinct(count: int) -> list[Prebuilt]:
    """``count`` statements with distinct SQL texts (each its own prepared statement)."""
    return [
        Prebuilt(
            select(Account.id).where(Account.id == bindparam("who", type_=BigInteger)).limit(n)
        )
        for n in range(1, count + 1)
    ]


@contextmanager
def _sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Each message written to a socket (asyncpg writes one per round trip: a simple
    query, a prepare, or a bind with its execute and sync)."""
    sent: list[bytes] = []
    write = selector_events._SelectorSocketTransport.write

    def counted(self: Any, data: Any) -> None:
        sent.append(bytes(data))
        write(self, data)

    with monkeypatch.context() as patch:
        patch.setattr(selector_events._SelectorSocketTransport, "write", counted)
        yield sent


@contextmanager
def _traced(db: Database) -> Iterator[list[str]]:
    """On SQLite, each statement the write connection runs (pragmas aside; a statement that
    fires triggers is reported once more for each)."""
    ran: list[str] = []
    connections: list[sqlite3.Connection] = []

    def trace(sql: str) -> None:
        if not sql.startswith("PRAGMA"):
            ran.append(sql.split(maxsplit=1)[0].upper())

    def on_checkout(dbapi_connection: Any, *rest: Any) -> None:
        raw = dbapi_connection.driver_connection._conn
        raw.set_trace_callback(trace)
        connections.append(raw)

    event.listen(db.engine.sync_engine, "checkout", on_checkout)
    try:
        yield ran
    finally:
        event.remove(db.engine.sync_engine, "checkout", on_checkout)
        for raw in connections:
            raw.set_trace_callback(None)


def _kinds(sent: list[bytes]) -> list[str]:
    """The messages as their kind: BEGIN, COMMIT, ROLLBACK, a simple query, a prepare
    (``P``) or a bind (``B``)."""
    out = []
    for message in sent:
        if message.startswith(b"Q"):
            out.append(message[5:].rstrip(b";\x00").decode())
        else:
            out.append(message[:1].decode())
    return out


async def test_a_pooled_transaction_sends_begin_its_statements_and_commit(
    settings: Settings, services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await make.person("alice")
    db = Database(settings.effective_database_url)
    db.attach(services)
    many = _distinct(STATEMENT_CACHE // 16)
    try:
        async with db.transaction() as tx:  # the pool's connection is opened and warmed
            await tx.run(RENAME, {"who": alice.account.id, "name": "Aino"})
            for statement in many:
                await tx.run(statement, {"who": alice.account.id})
        if db.is_sqlite:
            with _traced(db) as ran:
                async with db.transaction() as tx:
                    await tx.run(RENAME, {"who": alice.account.id, "name": "Aino A."})
            assert [kind for kind, _ in groupby(ran)] == ["BEGIN", "UPDATE", "COMMIT"]
            return
        with _sent(monkeypatch) as sent:
            async with db.transaction() as tx:
                await tx.run(RENAME, {"who": alice.account.id, "name": "Aino A."})
        # no ping before BEGIN, and the UPDATE is still prepared after 120 others: one bind
        assert _kinds(sent) == ["BEGIN", "B", "COMMIT"]
    finally:
        await db.dispose()
    assert await services.db.fast.fetch(_NAME, {"who": alice.account.id}) == [("Aino A.",)]


async def test_a_connection_the_server_closed_is_replaced_and_the_write_commits(
    settings: Settings, services: Services, make: Factory
) -> None:
    """A restart of the database closes the pool's idle connections: the next write gets a
    fresh one (on SQLite, a pool whose connections were closed opens new ones)."""
    alice = await make.person("alice")
    url = settings.effective_database_url
    db = Database(url)
    db.attach(services)
    try:
        async with db.transaction() as tx:
            await tx.run(RENAME, {"who": alice.account.id, "name": "Before"})
            raw = (await (await tx.session.connection()).get_raw_connection()).driver_connection
        if db.is_sqlite:
            await db.engine.dispose()
        else:
            await _terminate_others(url)
            for _ in range(500):  # the socket's end reaches asyncpg on a turn of the loop
                if raw.is_closed():
                    break
                await asyncio.sleep(0.01)
            assert raw.is_closed() and db.engine.pool.checkedin() == 1
        async with db.transaction() as tx:
            ran = await tx.run(RENAME, {"who": alice.account.id, "name": "After"})
        assert ran.rowcount == 1
    finally:
        await db.dispose()
    assert await services.db.fast.fetch(_NAME, {"who": alice.account.id}) == [("After",)]


async def _terminate_others(url: str) -> None:
    """Ends every other session on the test database, as a restart would."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()


async def test_a_statement_alone_commits_in_one_round_trip(
    settings: Settings, services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Database.run_alone`` (the SAQ relay's claim, a worker's finished job): the write is
    seen by every reader once it returns; on PostgreSQL it is one message, no ``BEGIN`` or
    ``COMMIT`` around it."""
    alice = await make.person("alice")
    db = Database(settings.effective_database_url)
    db.attach(services)
    try:
        await db.run_alone(RENAME, {"who": alice.account.id, "name": "First"})
        before = db.query_count
        with _sent(monkeypatch) as sent:
            await db.run_alone(RENAME, {"who": alice.account.id, "name": "Second"})
        assert db.query_count == before + 1
        assert _kinds(sent) == ([] if db.is_sqlite else ["B"])
    finally:
        await db.dispose()
    assert await services.db.fast.fetch(_NAME, {"who": alice.account.id}) == [("Second",)]
