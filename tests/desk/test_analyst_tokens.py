"""Analysts' tokens issued before the team roles (migration 0019) carried ``read``: migration
0027 narrows every unrevoked one acting as a brand to ``read:accounts`` (docs/desk.md,
"Team"), and leaves everyone else's tokens as they were."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Connection, MetaData, Table, select
from sqlalchemy.ext.asyncio import create_async_engine

from porina.storage import migrate

from ..conftest import PG_URL, _create_pg_database

BRAND, ANALYST, AGENT = 1, 2, 3
TABLES = ["accounts", "users", "account_operators", "oauth_tokens"]


@pytest.fixture
def empty_database(tmp_path: Path) -> str:
    if PG_URL:
        return _create_pg_database(PG_URL)
    return f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"


def _reflect(conn: Connection) -> dict[str, Table]:
    meta = MetaData()
    meta.reflect(conn, only=TABLES)
    return dict(meta.tables)


def _filled(table: Table, **values: Any) -> dict[str, Any]:
    """``values`` and a plain value for every other column that may not be NULL."""
    row = dict(values)
    plain = {bool: False, int: 0, str: "", datetime: datetime(2026, 1, 1, tzinfo=UTC)}
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        kind = dict if isinstance(column.type, JSON) else column.type.python_type
        row[column.name] = plain.get(kind, {} if kind is dict else "")
    return row


TOKENS = [
    # (token id, user, acting as, scopes, revoked)
    (10, ANALYST, BRAND, "read", False),
    (11, ANALYST, BRAND, "read", True),
    (12, ANALYST, None, "read write follow push", False),
    (13, AGENT, BRAND, "read write:statuses", False),
]


async def _seed(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            tables = await conn.run_sync(_reflect)
            for n, name in ((BRAND, "cafe"), (ANALYST, "numbers"), (AGENT, "aino")):
                await conn.execute(
                    tables["accounts"].insert(), _filled(tables["accounts"], id=n, username=name)
                )
            for n in (ANALYST, AGENT):
                row = _filled(tables["users"], id=n, account_id=n, email=f"{n}@example.com")
                await conn.execute(tables["users"].insert(), row)
            for user, role in ((ANALYST, "analyst"), (AGENT, "agent")):
                row = _filled(
                    tables["account_operators"], account_id=BRAND, user_id=user, role=role
                )
                await conn.execute(tables["account_operators"].insert(), row)
            for token, user, acting, scopes, revoked in TOKENS:
                row = _filled(
                    tables["oauth_tokens"],
                    id=token,
                    token_hash=f"hash{token}",
                    user_id=user,
                    account_id=acting,
                    scopes=scopes,
                    revoked_at=datetime(2026, 1, 2, tzinfo=UTC) if revoked else None,
                )
                await conn.execute(tables["oauth_tokens"].insert(), row)
    finally:
        await engine.dispose()


async def _scopes(url: str) -> dict[int, str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            tokens = (await conn.run_sync(_reflect))["oauth_tokens"]
            rows = await conn.execute(select(tokens.c.id, tokens.c.scopes))
            return {row.id: row.scopes for row in rows}
    finally:
        await engine.dispose()


def test_old_analyst_tokens_lose_read_and_others_keep_theirs(empty_database: str) -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(empty_database))
    before = scripts.get_revision("0027").down_revision
    assert isinstance(before, str)
    migrate.upgrade(empty_database, before)
    asyncio.run(_seed(empty_database))
    migrate.upgrade(empty_database, "0027")
    assert asyncio.run(_scopes(empty_database)) == {
        10: "read:accounts",
        11: "read",
        12: "read write follow push",
        13: "read write:statuses",
    }
