"""The business desk's inbox (issue 16, item 2): ``desk_conversations`` (one per brand and
person, with status, assignee, priority, labels, snooze and activity times),
``desk_items`` (what happened in it: messages, light items, sent replies, internal notes;
unique per conversation and ``dedupe`` key, so a replayed event adds nothing) and
``desk_mentions`` (colleagues a note mentions).

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=nullable)


def _conversations() -> None:
    op.create_table(
        "desk_conversations",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_account_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_user_id", sa.BigInteger(), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("labels", porina.storage.base.Json, nullable=False),
        _moment("snooze_until", nullable=True),
        _moment("last_activity_at", nullable=False),
        _moment("created_at", nullable=False),
        _moment("opened_at", nullable=True),
        _moment("resolved_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_conversations_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_conversations_contact_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"],
            ["users.id"],
            name=op.f("fk_desk_conversations_assignee_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_conversations")),
        sa.UniqueConstraint(
            "brand_account_id",
            "contact_account_id",
            name=op.f("uq_desk_conversations_brand_account_id_contact_account_id"),
        ),
    )
    for name, columns in (
        ("ix_desk_conversations_brand_status_activity", ["status"]),
        ("ix_desk_conversations_brand_assignee_activity", ["assignee_user_id"]),
        ("ix_desk_conversations_brand_activity", []),
    ):
        op.create_index(
            name,
            "desk_conversations",
            ["brand_account_id", *columns, "last_activity_at", "id"],
            unique=False,
        )


def _items() -> None:
    op.create_table(
        "desk_items",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("operator_user_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("dedupe", sa.String(length=64), nullable=False),
        _moment("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_desk_items_conversation_id_desk_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_items_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_items")),
        sa.UniqueConstraint(
            "conversation_id", "dedupe", name=op.f("uq_desk_items_conversation_id_dedupe")
        ),
    )
    op.create_index(
        "ix_desk_items_conversation_id_id", "desk_items", ["conversation_id", "id"], unique=False
    )


def _mentions() -> None:
    op.create_table(
        "desk_mentions",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["desk_items.id"],
            name=op.f("fk_desk_mentions_item_id_desk_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_desk_mentions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_desk_mentions_conversation_id_desk_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "user_id", name=op.f("pk_desk_mentions")),
    )
    op.create_index(
        "ix_desk_mentions_user_id_conversation_id",
        "desk_mentions",
        ["user_id", "conversation_id"],
        unique=False,
    )


def upgrade() -> None:
    _conversations()
    _items()
    _mentions()


def downgrade() -> None:
    op.drop_index("ix_desk_mentions_user_id_conversation_id", table_name="desk_mentions")
    op.drop_table("desk_mentions")
    op.drop_index("ix_desk_items_conversation_id_id", table_name="desk_items")
    op.drop_table("desk_items")
    for name in (
        "ix_desk_conversations_brand_activity",
        "ix_desk_conversations_brand_assignee_activity",
        "ix_desk_conversations_brand_status_activity",
    ):
        op.drop_index(name, table_name="desk_conversations")
    op.drop_table("desk_conversations")
