"""``featured_tags`` (the hashtags a person features on their profile) and
``account_suggestion_dismissals`` (follow suggestions a person dismissed).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=False)


def _account(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["accounts.id"], name=op.f(f"fk_{table}_{column}_accounts"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "featured_tags",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        _when("created_at"),
        _account("featured_tags", "account_id"),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_featured_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_featured_tags")),
        sa.UniqueConstraint(
            "account_id", "tag_id", name=op.f("uq_featured_tags_account_id_tag_id")
        ),
    )
    op.create_table(
        "account_suggestion_dismissals",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        _when("created_at"),
        _account("account_suggestion_dismissals", "account_id"),
        _account("account_suggestion_dismissals", "target_account_id"),
        sa.PrimaryKeyConstraint(
            "account_id", "target_account_id", name=op.f("pk_account_suggestion_dismissals")
        ),
    )


def downgrade() -> None:
    op.drop_table("account_suggestion_dismissals")
    op.drop_table("featured_tags")
