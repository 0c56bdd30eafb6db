"""Profile visits (issue 17, point 2): ``analytics_profile_visits``, visits of an account's
profile per hour (UTC), added up by the impression buffer's flush.

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_profile_visits",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hour", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("visits", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "hour", name=op.f("pk_analytics_profile_visits")),
    )


def downgrade() -> None:
    op.drop_table("analytics_profile_visits")
