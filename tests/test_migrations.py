"""Models and migrations agree: a database built by the migrations has exactly the tables,
columns and indexes the models declare (warehouse's db-check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from porina.schema import metadata

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
