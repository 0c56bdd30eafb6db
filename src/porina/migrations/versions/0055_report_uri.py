"""A report's ActivityPub id (issue 20, ``Flag``): ``reports.uri``, the id of the ``Flag``
another server sent (None for a report made here), so the same Flag delivered again makes no
second report (``federation/flags.py``).

Revision ID: 0055
Revises: 0054
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0055"
down_revision = "0054"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("uri", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("uri")
