"""The desk's sentiment (issue 16, point 6): ``desk_conversations.sentiment`` (the mean of
its last five non-neutral messages) and ``desk_sentiment_overrides`` (staff corrections of an
item's sentiment, kept to measure the classifier).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("desk_conversations") as batch:
        batch.add_column(sa.Column("sentiment", sa.String(length=16), nullable=True))
    op.create_table(
        "desk_sentiment_overrides",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("predicted", sa.String(length=16), nullable=True),
        sa.Column("corrected", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["desk_items.id"],
            name=op.f("fk_desk_sentiment_overrides_item_id_desk_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_sentiment_overrides_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_desk_sentiment_overrides_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_desk_sentiment_overrides")),
    )
    op.create_index(
        "ix_desk_sentiment_overrides_brand", "desk_sentiment_overrides", ["brand_account_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_desk_sentiment_overrides_brand", table_name="desk_sentiment_overrides")
    op.drop_table("desk_sentiment_overrides")
    with op.batch_alter_table("desk_conversations") as batch:
        batch.drop_column("sentiment")
