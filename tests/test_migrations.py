"""Models and migrations agree: a database built by the migrations has exactly the tables,
columns and indexes the models declare (warehouse's db-check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.schema import metadata
from porina.storage.migrate import alembic_config, upgrade

# Written by hand in migrations (expression indexes, full-text search): not reflectable.
HAND_WRITTEN = ("uq_accounts_username_domain", "uq_users_email", "fts", "search")


async def test_migrations_produce_the_schema_the_models_declare(template: Path | str) -> None:
    url = template if isinstance(template, str) else f"sqlite+aiosqlite:///{template}"
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        diff: list[Any] = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    await engine.dispose()
    assert [item for item in diff if not _hand_written(item)] == []


def _hand_written(item: Any) -> bool:
    if not isinstance(item, tuple) or not item:
        return False
    name = str(getattr(item[1], "name", ""))
    return item[0] in {"add_index", "remove_index", "remove_table"} and any(
        part in name for part in HAND_WRITTEN
    )


TRIGGERS = {
    "accounts_version",
    "statuses_version",
    "polls_version",
    "follows_remote",
}
"""The row versions' triggers (0004), which the status cache's keys depend on, and the one
that marks a remote follower's follow (0063), which ``federation/reach.py`` depends on: a
migration that rebuilds one of these tables (Alembic's batch mode on SQLite) must not lose
them."""
FTS_TRIGGERS = {"statuses_fts_insert", "statuses_fts_delete", "statuses_fts_update"}


async def test_migrations_keep_the_hand_written_triggers(template: Path | str) -> None:
    url = template if isinstance(template, str) else f"sqlite+aiosqlite:///{template}"
    sqlite = url.startswith("sqlite")
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if sqlite
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = set((await conn.execute(text(query))).scalars())
    await engine.dispose()
    assert TRIGGERS | (FTS_TRIGGERS if sqlite else set()) <= names, names


def test_migrations_form_one_line() -> None:
    """One head, each revision the next number after the one it revises: an operator's
    ``porina migrate`` has a single order to follow."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    for script in scripts.walk_revisions():
        if script.down_revision is not None:
            assert int(script.revision) == int(str(script.down_revision)) + 1, script.revision


def test_migrations_take_a_url_with_percent_escapes(tmp_path: Path) -> None:
    """A database URL with percent-escapes (a password's special characters, a unix socket's
    ``?host=%2Fvar%2Frun%2Fpostgresql``) reaches Alembic as written: its configuration reads
    options through ConfigParser's interpolation, where a bare ``%`` was an error."""
    url = "postgresql+asyncpg://porina:p%40ss@/porina?host=%2Fvar%2Frun%2Fpostgresql"
    assert alembic_config(url).get_main_option("sqlalchemy.url") == url
    folder = tmp_path / "100%"
    folder.mkdir()
    upgrade(f"sqlite+aiosqlite:///{folder / 'porina.db'}")
    assert (folder / "porina.db").stat().st_size > 0
