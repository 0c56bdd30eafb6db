"""A status's first 48 hours per hour (issue 17, point 5): ``analytics_status_hourly``,
written by the daily rollup, so a post's hours stay readable after the raw events are
deleted.

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

COUNTS = ("impressions", "favourites", "reblogs", "replies", "quotes", "bookmarks")


def upgrade() -> None:
    op.create_table(
        "analytics_status_hourly",
        sa.Column("status_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hour", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("status_id", "hour", name=op.f("pk_analytics_status_hourly")),
    )


def downgrade() -> None:
    op.drop_table("analytics_status_hourly")
