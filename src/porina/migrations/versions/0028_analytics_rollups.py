"""Analytics foundation (issue 17, points 2 and 5): impressions per status and hour,
the viewers reach counts, daily rollups per status and per account, and the days rolled up.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

COUNTS = ("impressions", "reach", "favourites", "reblogs", "replies", "quotes", "bookmarks")


def _counts(names: tuple[str, ...]) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        "analytics_impressions",
        sa.Column("status_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hour", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("status_id", "hour", name=op.f("pk_analytics_impressions")),
    )
    op.create_index(
        "ix_analytics_impressions_account_id_hour",
        "analytics_impressions",
        ["account_id", "hour"],
    )
    op.create_table(
        "analytics_viewers",
        sa.Column("status_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("viewer_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("status_id", "day", "viewer_id", name=op.f("pk_analytics_viewers")),
    )
    op.create_index(
        "ix_analytics_viewers_account_id_day", "analytics_viewers", ["account_id", "day"]
    )
    op.create_table(
        "analytics_status_daily",
        sa.Column("status_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        *_counts(COUNTS),
        sa.PrimaryKeyConstraint("status_id", "day", name=op.f("pk_analytics_status_daily")),
    )
    op.create_index(
        "ix_analytics_status_daily_account_id_day",
        "analytics_status_daily",
        ["account_id", "day"],
    )
    op.create_table(
        "analytics_account_daily",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_counts(("posts", *COUNTS, "followers_gained", "followers_lost")),
        sa.PrimaryKeyConstraint("account_id", "day", name=op.f("pk_analytics_account_daily")),
    )
    op.create_table(
        "analytics_rolled_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rolled_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_analytics_rolled_days")),
    )


def downgrade() -> None:
    op.drop_table("analytics_rolled_days")
    op.drop_table("analytics_account_daily")
    op.drop_index("ix_analytics_status_daily_account_id_day", "analytics_status_daily")
    op.drop_table("analytics_status_daily")
    op.drop_index("ix_analytics_viewers_account_id_day", "analytics_viewers")
    op.drop_table("analytics_viewers")
    op.drop_index("ix_analytics_impressions_account_id_hour", "analytics_impressions")
    op.drop_table("analytics_impressions")
