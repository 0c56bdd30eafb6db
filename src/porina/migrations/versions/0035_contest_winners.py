"""Contest winners (issue 18, point 3): each drawn entrant's account (never published), claim
deadline, claim and notification; the contest's claim period and its results reply (the
staff's edited draft and the published status).

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("contests") as batch:
        batch.add_column(
            sa.Column("claim_days", sa.BigInteger(), server_default="7", nullable=False)
        )
        batch.add_column(sa.Column("results_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("results_status_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("results_published_at", TIME(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_contests_results_status_id_statuses"),
            "statuses",
            ["results_status_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("contest_draws") as batch:
        batch.add_column(sa.Column("account_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("claim_by", TIME(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_at", TIME(timezone=True), nullable=True))
        batch.add_column(sa.Column("notified_at", TIME(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_contest_draws_account_id_accounts"),
            "accounts",
            ["account_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_contest_draws_account_id", ["account_id"])


def downgrade() -> None:
    with op.batch_alter_table("contest_draws") as batch:
        batch.drop_index("ix_contest_draws_account_id")
        batch.drop_constraint("fk_contest_draws_account_id_accounts", type_="foreignkey")
        for name in ("notified_at", "claimed_at", "claim_by", "account_id"):
            batch.drop_column(name)
    with op.batch_alter_table("contests") as batch:
        batch.drop_constraint("fk_contests_results_status_id_statuses", type_="foreignkey")
        for name in ("results_published_at", "results_status_id", "results_text", "claim_days"):
            batch.drop_column(name)
