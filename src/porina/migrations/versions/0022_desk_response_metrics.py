"""The desk's response metrics (issue 16, point 5): ``desk_business_hours`` (a brand's time
zone, weekly opening intervals and holidays), ``desk_sla_targets`` (first response and
resolution targets per priority), ``desk_clocks`` (each conversation's response clock) and
``desk_measures`` (first response, reply and resolution times as they happen, calendar and
business hours).

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=nullable)


def _brand_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["brand_account_id"],
        ["accounts.id"],
        name=op.f(f"fk_{table}_brand_account_id_accounts"),
        ondelete="CASCADE",
    )


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["desk_conversations.id"],
        name=op.f(f"fk_{table}_conversation_id_desk_conversations"),
        ondelete="CASCADE",
    )


def _settings() -> None:
    op.create_table(
        "desk_business_hours",
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("weekly", porina.storage.base.Json, nullable=False),
        sa.Column("holidays", porina.storage.base.Json, nullable=False),
        _moment("updated_at", nullable=False),
        _brand_fk("desk_business_hours"),
        sa.PrimaryKeyConstraint("brand_account_id", name=op.f("pk_desk_business_hours")),
    )
    op.create_table(
        "desk_sla_targets",
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("first_response_seconds", sa.BigInteger(), nullable=True),
        sa.Column("resolution_seconds", sa.BigInteger(), nullable=True),
        sa.Column("business_hours", sa.Boolean(), nullable=False),
        _brand_fk("desk_sla_targets"),
        sa.PrimaryKeyConstraint("brand_account_id", "priority", name=op.f("pk_desk_sla_targets")),
    )


def _clocks_and_measures() -> None:
    op.create_table(
        "desk_clocks",
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        _moment("opened_at", nullable=True),
        _moment("waiting_since", nullable=True),
        sa.Column("answered", sa.Boolean(), nullable=False),
        _conversation_fk("desk_clocks"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_desk_clocks")),
    )
    op.create_table(
        "desk_measures",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("staff_user_id", sa.BigInteger(), nullable=True),
        _moment("started_at", nullable=False),
        _moment("ended_at", nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("business_seconds", sa.Float(), nullable=False),
        _brand_fk("desk_measures"),
        _conversation_fk("desk_measures"),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["users.id"],
            name=op.f("fk_desk_measures_staff_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_measures")),
    )
    op.create_index(
        "ix_desk_measures_brand_ended",
        "desk_measures",
        ["brand_account_id", "ended_at"],
    )


def upgrade() -> None:
    _settings()
    _clocks_and_measures()


def downgrade() -> None:
    op.drop_index("ix_desk_measures_brand_ended", table_name="desk_measures")
    for table in ("desk_measures", "desk_clocks", "desk_sla_targets", "desk_business_hours"):
        op.drop_table(table)
