"""A remote account's custom emoji (issue 20, ``Emoji`` tags on actors): ``accounts.emojis``,
the shortcodes its display name and bio use with their image URLs, as its actor document
gave them (``federation/emoji.py``); empty for local accounts.

Revision ID: 0053
Revises: 0052
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0053"
down_revision = "0052"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("emojis", JSON, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("emojis")
