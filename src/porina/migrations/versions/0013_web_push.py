"""Web Push: ``web_push_subscriptions`` (one per access token, deleted with it) and
``web_push_keys`` (the instance's VAPID key pair, one row, made on first need).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import porina.storage.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "web_push_subscriptions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("token_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("key_p256dh", sa.String(length=128), nullable=False),
        sa.Column("key_auth", sa.String(length=64), nullable=False),
        sa.Column("standard", sa.Boolean(), nullable=False),
        sa.Column(
            "alerts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["oauth_tokens.id"],
            name=op.f("fk_web_push_subscriptions_token_id_oauth_tokens"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_web_push_subscriptions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_push_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_push_subscriptions")),
        sa.UniqueConstraint("token_id", name=op.f("uq_web_push_subscriptions_token_id")),
    )
    op.create_index(
        "ix_web_push_subscriptions_account_id",
        "web_push_subscriptions",
        ["account_id"],
        unique=False,
    )
    op.create_table(
        "web_push_keys",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_key", sa.String(length=128), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_push_keys")),
    )


def downgrade() -> None:
    op.drop_table("web_push_keys")
    op.drop_index("ix_web_push_subscriptions_account_id", table_name="web_push_subscriptions")
    op.drop_table("web_push_subscriptions")
