"""Groups and discussions (issue 21, point 1): ``groups.membership`` becomes ``privacy``
(public, private, hidden) with the group's ``rules``; ``group_threads`` (a group's
discussions, pinned and locked) and ``group_reports`` (reports to its moderators).

Revision ID: 0048
Revises: 0047
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import porina.storage.base

revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.alter_column("membership", new_column_name="privacy")
        batch.add_column(sa.Column("rules", JSON, nullable=False, server_default="[]"))
    op.create_table(
        "group_threads",
        sa.Column("status_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("pinned_at", TIME(timezone=True), nullable=True),
        sa.Column("locked_at", TIME(timezone=True), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_group_threads_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_threads_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("status_id", name=op.f("pk_group_threads")),
    )
    op.create_index(
        "ix_group_threads_group_id_status_id", "group_threads", ["group_id", "status_id"]
    )
    op.create_table(
        "group_reports",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("resolved_at", TIME(timezone=True), nullable=True),
        sa.Column("resolved_by_account_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_reports_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_group_reports_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_group_reports_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_reports")),
    )
    op.create_index("ix_group_reports_group_id_id", "group_reports", ["group_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_group_reports_group_id_id", table_name="group_reports")
    op.drop_table("group_reports")
    op.drop_index("ix_group_threads_group_id_status_id", table_name="group_threads")
    op.drop_table("group_threads")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("rules")
        batch.alter_column("privacy", new_column_name="membership")
