"""Video and voice calls (issue 21, point 3): ``calls``, one row per call between two accounts
(a brand's staff member who placed or answered one kept apart, for the brand's side only), its
state (ringing, accepted, declined, missed, ended) and times.

Revision ID: 0045
Revises: 0044
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("caller_account_id", sa.BigInteger(), nullable=False),
        sa.Column("callee_account_id", sa.BigInteger(), nullable=False),
        sa.Column("caller_user_id", sa.BigInteger(), nullable=True),
        sa.Column("callee_user_id", sa.BigInteger(), nullable=True),
        sa.Column("desk_conversation_id", sa.BigInteger(), nullable=True),
        sa.Column("video", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("answered_at", TIME(timezone=True), nullable=True),
        sa.Column("ended_at", TIME(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["caller_account_id"],
            ["accounts.id"],
            name=op.f("fk_calls_caller_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["callee_account_id"],
            ["accounts.id"],
            name=op.f("fk_calls_callee_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["desk_conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_calls_desk_conversation_id_desk_conversations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_index("ix_calls_caller_created", "calls", ["caller_account_id", "created_at"])
    op.create_index("ix_calls_callee_created", "calls", ["callee_account_id", "created_at"])
    op.create_index("ix_calls_desk_conversation_id", "calls", ["desk_conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_calls_desk_conversation_id", table_name="calls")
    op.drop_index("ix_calls_callee_created", table_name="calls")
    op.drop_index("ix_calls_caller_created", table_name="calls")
    op.drop_table("calls")
