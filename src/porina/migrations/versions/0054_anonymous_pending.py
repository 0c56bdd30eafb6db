"""A brand's moderation queue for anonymous posts (issue 21, point 2): ``anonymous_pending``,
an anonymous post waiting for the brand's staff to approve or reject it.

Revision ID: 0054
Revises: 0053
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0054"
down_revision = "0053"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _account_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["accounts.id"],
        name=op.f(f"fk_anonymous_pending_{column}_accounts"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "anonymous_pending",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("author_account_id", sa.BigInteger(), nullable=False),
        sa.Column("queue_account_id", sa.BigInteger(), nullable=False),
        sa.Column("in_reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("brand_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("spoiler_text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _account_fk("author_account_id"),
        _account_fk("queue_account_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_pending")),
    )
    op.create_index(
        "ix_anonymous_pending_author_account_id", "anonymous_pending", ["author_account_id"]
    )
    op.create_index(
        "ix_anonymous_pending_queue_account_id", "anonymous_pending", ["queue_account_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_anonymous_pending_queue_account_id", table_name="anonymous_pending")
    op.drop_index("ix_anonymous_pending_author_account_id", table_name="anonymous_pending")
    op.drop_table("anonymous_pending")
