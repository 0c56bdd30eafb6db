"""A local account's aliases (issue 20, Move): ``account_aliases``, the other accounts it is
also known as (``alsoKnownAs``), so an account elsewhere may move here.

Revision ID: 0052
Revises: 0051
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_aliases",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("acct", sa.String(length=255), nullable=False),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_aliases_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_aliases")),
        sa.UniqueConstraint("account_id", "uri", name=op.f("uq_account_aliases_account_id_uri")),
    )


def downgrade() -> None:
    op.drop_table("account_aliases")
