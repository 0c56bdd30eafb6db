"""Blocking a pseudonym blocks its author's other pseudonyms (issue 21, point 2):
``anonymous_blocks``, one row per blocker and hidden author, naming the pseudonym the blocker
chose (the others are blocked quietly and left out of their list of blocks).

Revision ID: 0051
Revises: 0050
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _account_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["accounts.id"],
        name=op.f(f"fk_anonymous_blocks_{column}_accounts"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "anonymous_blocks",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("author_account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("via_account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _account_fk("account_id"),
        _account_fk("author_account_id"),
        _account_fk("via_account_id"),
        sa.PrimaryKeyConstraint(
            "account_id", "author_account_id", name=op.f("pk_anonymous_blocks")
        ),
    )


def downgrade() -> None:
    op.drop_table("anonymous_blocks")
