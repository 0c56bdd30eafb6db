"""Models and migrations agree: a database built by the migrations has exactly the tables,
columns and indexes the models declare (warehouse's db-check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from porina.schema import metadata
from porina.storage.migrate import alembic_config

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


def test_migrations_form_one_line() -> None:
    """One head, each revision the next number after the one it revises: an operator's
    ``porina migrate`` has a single order to follow."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    for script in scripts.walk_revisions():
        if script.down_revision is not None:
            assert int(script.revision) == int(str(script.down_revision)) + 1, script.revision
