"""Hashtag search by index (issue 14): a search by tag prefix (``search/queries.py``) reads
the range of tag names from the prefix to the next string in code point order, where
``lower(name) LIKE 'prefix%'`` read every tag on each ``/api/v2/search`` (a tag's name is
stored lowercased: ``interactions/tags.py``). SQLite: the unique index on ``name`` (its
binary collation is code point order); PostgreSQL: ``name`` in the "C" collation, as the
query compares it (a database's own collation need not order a prefix's strings together).

Revision ID: 0061
Revises: 0060
"""

from __future__ import annotations

from alembic import op

revision = "0061"
down_revision = "0060"
branch_labels = None
depends_on = None

NAME = "ix_tags_search_name"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f'CREATE INDEX {NAME} ON tags ((name COLLATE "C"))')


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {NAME}")
