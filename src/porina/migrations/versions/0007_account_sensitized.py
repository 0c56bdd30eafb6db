"""``accounts.sensitized_at``: a moderator's "sensitive" action (Mastodon's force-sensitive);
while set, every status with media the account posts or edits is marked sensitive.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: batch mode could copy the table on SQLite and lose its version trigger
    column: sa.Column[object] = sa.Column(
        "sensitized_at", porina.storage.base.UTCDateTime(timezone=True), nullable=True
    )
    op.add_column("accounts", column)


def downgrade() -> None:
    op.drop_column("accounts", "sensitized_at")
