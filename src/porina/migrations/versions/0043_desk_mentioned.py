"""The desk's *Mentioned* view as a range scan (issue 16, docs/performance.md "The desk at
scale"): ``desk_mentioned``, one row per colleague and conversation a note mentioned them in,
carrying the conversation's brand, status, snooze and last activity (kept up to date by the
desk's subscribers, ``desk/mentioned.py``), indexed on ``(user_id, brand_account_id,
last_activity_at, conversation_id)``. The rows of ``desk_mentions`` that exist are copied in.

Revision ID: 0043
Revises: 0042
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime

BACKFILL = """
INSERT INTO desk_mentioned
    (user_id, conversation_id, brand_account_id, status, snooze_until, last_activity_at)
SELECT m.user_id, c.id, c.brand_account_id, c.status, c.snooze_until, c.last_activity_at
FROM (SELECT DISTINCT user_id, conversation_id FROM desk_mentions) AS m
JOIN desk_conversations AS c ON c.id = m.conversation_id
"""


def upgrade() -> None:
    op.create_table(
        "desk_mentioned",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("snooze_until", TIME(timezone=True), nullable=True),
        sa.Column("last_activity_at", TIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_desk_mentioned_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_desk_mentioned_conversation_id_desk_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "conversation_id", name=op.f("pk_desk_mentioned")),
    )
    op.create_index(
        "ix_desk_mentioned_user_brand_activity",
        "desk_mentioned",
        ["user_id", "brand_account_id", "last_activity_at", "conversation_id"],
    )
    op.create_index("ix_desk_mentioned_conversation_id", "desk_mentioned", ["conversation_id"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_desk_mentioned_conversation_id", table_name="desk_mentioned")
    op.drop_index("ix_desk_mentioned_user_brand_activity", table_name="desk_mentioned")
    op.drop_table("desk_mentioned")
