"""When a local account last moved (issue 20, ``Move``): ``accounts.moved_at``, set with
``moved_to_account_id``, so an account that moved cannot move again for 30 days (Mastodon's
migration cool-down, ``federation/moving.py``). None for an account that never moved here.

Revision ID: 0057
Revises: 0056
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0057"
down_revision = "0056"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("moved_at", porina.storage.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("moved_at")
