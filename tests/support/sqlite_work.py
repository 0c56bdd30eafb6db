"""How much work SQLite does for one prebuilt statement, in virtual-machine instructions: a
count that grows with the rows a plan reads, and does not depend on the machine's speed. Tests
compare it between a small and a large world to show a read does not walk a whole table. They
run on a SQLite database of their own (the ``sqlite_db`` fixture), on every pass of the suite:
they are about SQLite's planner, which has no statistics here."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlalchemy import create_engine, insert
from sqlalchemy.dialects import sqlite

from porina.accounts.models import Account, Follow
from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import Status, StatusTag
from porina.storage.fastread import Prebuilt


def instructions(database: str, statement: Prebuilt, params: Mapping[str, Any]) -> int:
    """SQLite's instructions for ``statement`` with ``params`` on ``database``, on a connection
    of its own; the second run is counted (the first also parses the schema)."""
    compiled = statement.compiled(sqlite.dialect())
    counted = [0]

    def step() -> int:
        counted[0] += 1
        return 0

    connection = sqlite3.connect(database)
    try:
        connection.execute(compiled.sql, compiled.arguments(params)).fetchall()
        connection.set_progress_handler(step, 1)
        connection.execute(compiled.sql, compiled.arguments(params)).fetchall()
    finally:
        connection.close()
    return counted[0]


def posts(
    database: str,
    author_id: int,
    count: int,
    *,
    tag_id: int | None = None,
    reblog_of_id: int | None = None,
) -> list[int]:
    """``count`` public posts by ``author_id`` written straight into ``database`` (boosts of
    ``reblog_of_id``, or tagged ``tag_id``); their ids."""
    ids = [new_id() for _ in range(count)]
    rows = [
        {
            "id": status_id,
            "account_id": author_id,
            "visibility": "public",
            "text": f"post {n}",
            "content": f"<p>post {n}</p>",
            "reblog_of_id": reblog_of_id,
            "created_at": now(),
            "local": True,
        }
        for n, status_id in enumerate(ids)
    ]
    written: list[tuple[Any, list[dict[str, Any]]]] = [(Status, rows)]
    if tag_id is not None:
        written.append((StatusTag, [{"tag_id": tag_id, "status_id": i} for i in ids]))
    _write(database, written)
    return ids


def _write(database: str, written: list[tuple[Any, list[dict[str, Any]]]]) -> None:
    """Each ``(model, rows)`` inserted into ``database`` in turn, in one transaction."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            for model, rows in written:
                connection.execute(insert(model), rows)
    finally:
        engine.dispose()


def follower_rows(
    target_id: int, count: int, domain: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``count`` new accounts (on ``domain``; None: this server's) and their follows of
    ``target_id``, as rows for Core inserts (the rest of each row is the columns' defaults)."""
    ids = [new_id() for _ in range(count)]
    accounts = [{"id": i, "username": f"f{i}", "domain": domain, "created_at": now()} for i in ids]
    follows = [
        {"id": new_id(), "account_id": i, "target_account_id": target_id, "created_at": now()}
        for i in ids
    ]
    return accounts, follows


def followers(database: str, target_id: int, count: int, domain: str | None = None) -> None:
    """``count`` followers of ``target_id`` written straight into ``database``."""
    accounts, follows = follower_rows(target_id, count, domain)
    _write(database, [(Account, accounts), (Follow, follows)])
