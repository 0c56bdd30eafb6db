"""Taking part anonymously (issue 21, point 2): ``anonymous_pseudonyms`` (a pseudonym's account,
the person behind it and its thread; read by ``anonymity`` alone), ``anonymity_policies`` (an
account's setting for anonymous posts in its threads) and ``anonymous_reveals`` (the log of
admins' reveals: who, when, why).

Revision ID: 0049
Revises: 0048
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _account_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["accounts.id"], name=op.f(f"fk_{table}_{column}_accounts"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "anonymous_pseudonyms",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("author_account_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _account_fk("anonymous_pseudonyms", "account_id"),
        _account_fk("anonymous_pseudonyms", "author_account_id"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_anonymous_pseudonyms")),
        sa.UniqueConstraint(
            "author_account_id",
            "thread_id",
            name=op.f("uq_anonymous_pseudonyms_author_account_id_thread_id"),
        ),
    )
    op.create_table(
        "anonymity_policies",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("updated_at", TIME(timezone=True), nullable=False),
        _account_fk("anonymity_policies", "account_id"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_anonymity_policies")),
    )
    op.create_table(
        "anonymous_reveals",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("pseudonym_account_id", sa.BigInteger(), nullable=False),
        sa.Column("author_account_id", sa.BigInteger(), nullable=False),
        sa.Column("admin_account_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_reveals")),
    )
    op.create_index("ix_anonymous_reveals_created_at", "anonymous_reveals", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_anonymous_reveals_created_at", table_name="anonymous_reveals")
    op.drop_table("anonymous_reveals")
    op.drop_table("anonymity_policies")
    op.drop_table("anonymous_pseudonyms")
