"""Archives of a person's data: ``data_archives`` (one row per request, its state and the ZIP the
job ``privacy.build_archive`` wrote under ``<data dir>/archives``).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "data_archives",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=128), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _moment("created_at", nullable=False),
        _moment("finished_at", nullable=True),
        _moment("expires_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_data_archives_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_archives")),
    )
    op.create_index(
        "ix_data_archives_account_id_created_at",
        "data_archives",
        ["account_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_data_archives_account_id_created_at", table_name="data_archives")
    op.drop_table("data_archives")
