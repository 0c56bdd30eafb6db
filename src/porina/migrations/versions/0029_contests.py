"""Contests and giveaways (issue 18): ``contests``, ``contest_entries`` (one row per entrant
per entry action) and ``contest_draws`` (winners in order with their counter, and re-draws).

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _contests() -> None:
    op.create_table(
        "contests",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("prizes", sa.Text(), nullable=False),
        sa.Column("starts_at", TIME(timezone=True), nullable=False),
        sa.Column("ends_at", TIME(timezone=True), nullable=False),
        sa.Column("winners", sa.BigInteger(), nullable=False),
        sa.Column("weights", porina.storage.base.Json, nullable=False),
        sa.Column("reply_must_contain", sa.String(length=200), nullable=True),
        sa.Column("min_account_age_days", sa.BigInteger(), nullable=False),
        sa.Column("min_followers", sa.BigInteger(), nullable=False),
        sa.Column("secret", sa.LargeBinary(length=32), nullable=False),
        sa.Column("pseudonym_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("entries", sa.Text(), nullable=True),
        sa.Column("entries_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("closed_at", TIME(timezone=True), nullable=True),
        sa.Column("drawn_at", TIME(timezone=True), nullable=True),
        _fk("contests", "brand_account_id", "accounts", "CASCADE"),
        _fk("contests", "status_id", "statuses", "CASCADE"),
        _fk("contests", "created_by_user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contests")),
    )
    op.create_index("ix_contests_brand_account_id", "contests", ["brand_account_id"])
    op.create_index("ix_contests_status_id", "contests", ["status_id"])
    op.create_index("ix_contests_state_ends_at", "contests", ["state", "ends_at"])


def _entries() -> None:
    op.create_table(
        "contest_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("contest_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _fk("contest_entries", "contest_id", "contests", "CASCADE"),
        _fk("contest_entries", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_entries")),
        sa.UniqueConstraint(
            "contest_id",
            "account_id",
            "action",
            name=op.f("uq_contest_entries_contest_id_account_id_action"),
        ),
    )


def _draws() -> None:
    op.create_table(
        "contest_draws",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("contest_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("acct", sa.String(length=400), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.Column("replaces", sa.String(length=400), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _fk("contest_draws", "contest_id", "contests", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_draws")),
        sa.UniqueConstraint(
            "contest_id", "counter", name=op.f("uq_contest_draws_contest_id_counter")
        ),
        sa.UniqueConstraint(
            "contest_id", "position", name=op.f("uq_contest_draws_contest_id_position")
        ),
    )


def upgrade() -> None:
    _contests()
    _entries()
    _draws()


def downgrade() -> None:
    op.drop_table("contest_draws")
    op.drop_table("contest_entries")
    op.drop_table("contests")
