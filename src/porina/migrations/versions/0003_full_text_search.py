"""Full-text search over status text.

SQLite: an FTS5 external-content table ``statuses_fts`` over ``statuses(text, spoiler_text)``,
kept in step by triggers. PostgreSQL: a GIN index on ``to_tsvector('simple', ...)`` of the same
text, which ``search/queries.py`` matches expression for expression.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE statuses_fts USING fts5("
    "text, spoiler_text, content='statuses', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER statuses_fts_insert AFTER INSERT ON statuses BEGIN "
    "INSERT INTO statuses_fts(rowid, text, spoiler_text) "
    "VALUES (new.id, new.text, new.spoiler_text); END",
    "CREATE TRIGGER statuses_fts_delete AFTER DELETE ON statuses BEGIN "
    "INSERT INTO statuses_fts(statuses_fts, rowid, text, spoiler_text) "
    "VALUES ('delete', old.id, old.text, old.spoiler_text); END",
    "CREATE TRIGGER statuses_fts_update AFTER UPDATE OF text, spoiler_text ON statuses BEGIN "
    "INSERT INTO statuses_fts(statuses_fts, rowid, text, spoiler_text) "
    "VALUES ('delete', old.id, old.text, old.spoiler_text); "
    "INSERT INTO statuses_fts(rowid, text, spoiler_text) "
    "VALUES (new.id, new.text, new.spoiler_text); END",
    "INSERT INTO statuses_fts(statuses_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS statuses_fts_update",
    "DROP TRIGGER IF EXISTS statuses_fts_delete",
    "DROP TRIGGER IF EXISTS statuses_fts_insert",
    "DROP TABLE IF EXISTS statuses_fts",
]
PG_UP = [
    "CREATE INDEX ix_statuses_search_tsv ON statuses USING gin "
    "(to_tsvector('simple', coalesce(spoiler_text, '') || ' ' || coalesce(text, '')))",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_statuses_search_tsv"]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else PG_UP:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DOWN if sqlite else PG_DOWN:
        op.execute(statement)
