"""Reach from a bitmap of days per reader (issue 17, point 5): ``analytics_readers``, one row
per author, reader and block of 32 days (from 1970-01-01, UTC), a bit per day the reader was
served any of the author's statuses (``analytics/readers.py``); filled from
``analytics_viewers``.

Revision ID: 0040
Revises: 0039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

DAY_NUMBER = {
    "postgresql": "(day - DATE '1970-01-01')",
    "sqlite": "CAST(julianday(day) - 2440587.5 AS INTEGER)",
}


def upgrade() -> None:
    op.create_table(
        "analytics_readers",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("viewer_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("days", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id", "block", "viewer_id", name=op.f("pk_analytics_readers")
        ),
    )
    number = DAY_NUMBER[op.get_bind().dialect.name]
    # A reader's days of a block: the sum of the distinct powers of two is their OR.
    op.execute(
        "INSERT INTO analytics_readers (account_id, block, viewer_id, days) "
        "SELECT account_id, n / 32, viewer_id, CAST(SUM(DISTINCT CAST(1 AS BIGINT) << (n % 32)) "
        "AS BIGINT) "
        f"FROM (SELECT account_id, viewer_id, {number} AS n FROM analytics_viewers) AS seen "
        "GROUP BY account_id, n / 32, viewer_id"
    )


def downgrade() -> None:
    op.drop_table("analytics_readers")
