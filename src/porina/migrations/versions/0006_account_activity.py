"""``accounts.last_active_at``: when the account last used Porina, kept to the day. Fan-out
delivers new posts only to followers seen recently (``settings.feed_active_days``) and rebuilds
a returning follower's feed. Existing accounts start unknown (NULL), which counts as active.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: batch mode could copy the table on SQLite and lose its version trigger
    column: sa.Column[object] = sa.Column(
        "last_active_at", porina.storage.base.UTCDateTime(timezone=True), nullable=True
    )
    op.add_column("accounts", column)


def downgrade() -> None:
    op.drop_column("accounts", "last_active_at")
