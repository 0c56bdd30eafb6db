"""Row versions on statuses, accounts and polls, bumped by the database on every update.

Rendered statuses are cached per process keyed by ``(id, version)`` (``api/mastodon/
status_cache.py``). The version has to change whenever anything on the row changes — an
edit, a counter, a profile field, a vote — whichever code path (ORM flush, Core ``UPDATE``,
an operator's SQL) made the change, so the database keeps it, not the application.

PostgreSQL: a ``BEFORE UPDATE`` row trigger sets ``NEW.version = OLD.version + 1``.
SQLite (which cannot assign ``NEW`` in a trigger): an ``AFTER UPDATE`` trigger that bumps the
row, guarded by ``WHEN NEW.version = OLD.version`` so its own update does not fire it again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("statuses", "accounts", "polls")

PG_FUNCTION = (
    "CREATE FUNCTION porina_bump_version() RETURNS trigger AS $$ "
    "BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$ LANGUAGE plpgsql"
)


def _pg_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_version BEFORE UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION porina_bump_version()"
    )


def _sqlite_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_version AFTER UPDATE ON {table} "
        "FOR EACH ROW WHEN NEW.version = OLD.version BEGIN "
        f"UPDATE {table} SET version = OLD.version + 1 WHERE id = NEW.id; END"
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        op.add_column(
            table, sa.Column("version", sa.BigInteger(), server_default="0", nullable=False)
        )
    if not sqlite:
        op.execute(PG_FUNCTION)
    for table in TABLES:
        op.execute(_sqlite_trigger(table) if sqlite else _pg_trigger(table))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_version" + ("" if sqlite else f" ON {table}"))
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS porina_bump_version()")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
