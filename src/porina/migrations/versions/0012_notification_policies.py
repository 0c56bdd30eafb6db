"""Filtered notifications (Mastodon 4.3): ``notifications.filtered``, the recipient's
``notification_policies``, the ``notification_requests`` grouping filtered notifications per
sender, and the ``notification_permissions`` an accepted request leaves.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=False)


def _account(name: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], ["accounts.id"], name=op.f(f"fk_{table}_{name}_accounts"), ondelete="CASCADE"
    )


def upgrade() -> None:
    # a plain ADD COLUMN: batch mode could copy the table on SQLite
    column: sa.Column[object] = sa.Column(
        "filtered", sa.Boolean(), server_default=sa.false(), nullable=False
    )
    op.add_column("notifications", column)
    op.create_table(
        "notification_policies",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        *(
            sa.Column(f"for_{name}", sa.String(length=8), nullable=False)
            for name in (
                "not_following",
                "not_followers",
                "new_accounts",
                "private_mentions",
                "limited_accounts",
            )
        ),
        _when("updated_at"),
        _account("account_id", "notification_policies"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notification_policies")),
    )
    op.create_table(
        "notification_requests",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("from_account_id", sa.BigInteger(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _account("account_id", "notification_requests"),
        _account("from_account_id", "notification_requests"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_requests")),
        sa.UniqueConstraint(
            "account_id",
            "from_account_id",
            name=op.f("uq_notification_requests_account_id_from_account_id"),
        ),
    )
    op.create_table(
        "notification_permissions",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("from_account_id", sa.BigInteger(), nullable=False),
        _when("created_at"),
        _account("account_id", "notification_permissions"),
        _account("from_account_id", "notification_permissions"),
        sa.PrimaryKeyConstraint(
            "account_id", "from_account_id", name=op.f("pk_notification_permissions")
        ),
    )


def downgrade() -> None:
    op.drop_table("notification_permissions")
    op.drop_table("notification_requests")
    op.drop_table("notification_policies")
    op.drop_column("notifications", "filtered")
