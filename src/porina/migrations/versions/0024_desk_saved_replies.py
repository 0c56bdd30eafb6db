"""The desk's saved replies (issue 16, point 3): ``desk_saved_replies`` — a brand's reusable
replies by shortcut and language, with variables.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_saved_replies",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("shortcut", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_saved_replies_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_saved_replies")),
        sa.UniqueConstraint(
            "brand_account_id",
            "shortcut",
            "language",
            name=op.f("uq_desk_saved_replies_brand_account_id_shortcut_language"),
        ),
    )


def downgrade() -> None:
    op.drop_table("desk_saved_replies")
