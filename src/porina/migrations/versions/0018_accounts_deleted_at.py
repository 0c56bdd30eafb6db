"""``accounts.deleted_at``: when the account's deletion was asked for (by its owner on the
privacy page, or by a moderator through ``DELETE /api/v1/admin/accounts/:id``). A deleted
account stays suspended: ``unsuspend`` refuses it, as its data is gone or going.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("deleted_at", porina.storage.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("deleted_at")
