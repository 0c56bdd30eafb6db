"""Contests' fraud review (issue 18): ``contest_reviews``, staff's allow/disqualify decision
on one entrant of one contest, with its reason.

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_contest_reviews_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "contest_reviews",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("contest_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", TIME(timezone=True), nullable=False),
        _fk("contest_id", "contests", "CASCADE"),
        _fk("account_id", "accounts", "CASCADE"),
        _fk("decided_by_user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_reviews")),
        sa.UniqueConstraint(
            "contest_id", "account_id", name=op.f("uq_contest_reviews_contest_id_account_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("contest_reviews")
