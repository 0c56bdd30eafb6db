"""The desk's label catalogue (``desk_labels``) and its contacts' tags and internal notes
(``desk_contact_tags``, ``desk_contact_notes``); the share of an SLA target after which a
conversation shows a warning (``desk_sla_targets.warning_percent``, 75 by default); the SLA
warnings and breaches reached (``desk_sla_marks``).

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _labels() -> None:
    op.create_table(
        "desk_labels",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_labels_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_labels")),
        sa.UniqueConstraint(
            "brand_account_id", "name", name=op.f("uq_desk_labels_brand_account_id_name")
        ),
    )


def _tags() -> None:
    op.create_table(
        "desk_contact_tags",
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_account_id", sa.BigInteger(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_contact_tags_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_contact_tags_contact_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "brand_account_id", "contact_account_id", "tag", name=op.f("pk_desk_contact_tags")
        ),
    )
    op.create_index(
        "ix_desk_contact_tags_brand_tag",
        "desk_contact_tags",
        ["brand_account_id", "tag"],
        unique=False,
    )


def _notes() -> None:
    op.create_table(
        "desk_contact_notes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_contact_notes_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_contact_notes_contact_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_desk_contact_notes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_contact_notes")),
    )
    op.create_index(
        "ix_desk_contact_notes_brand_contact",
        "desk_contact_notes",
        ["brand_account_id", "contact_account_id"],
        unique=False,
    )


def _marks() -> None:
    op.create_table(
        "desk_sla_marks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("due_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assignee_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_sla_marks_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_desk_sla_marks_conversation_id_desk_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"],
            ["users.id"],
            name=op.f("fk_desk_sla_marks_assignee_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_sla_marks")),
        sa.UniqueConstraint(
            "conversation_id",
            "target",
            "kind",
            "due_at",
            name=op.f("uq_desk_sla_marks_conversation_id_target_kind_due_at"),
        ),
    )
    op.create_index(
        "ix_desk_sla_marks_brand_kind_created",
        "desk_sla_marks",
        ["brand_account_id", "kind", "created_at"],
        unique=False,
    )


def upgrade() -> None:
    _labels()
    _tags()
    _notes()
    _marks()
    with op.batch_alter_table("desk_sla_targets") as batch:
        batch.add_column(
            sa.Column("warning_percent", sa.BigInteger(), server_default="75", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("desk_sla_targets") as batch:
        batch.drop_column("warning_percent")
    op.drop_index("ix_desk_sla_marks_brand_kind_created", table_name="desk_sla_marks")
    op.drop_table("desk_sla_marks")
    op.drop_index("ix_desk_contact_notes_brand_contact", table_name="desk_contact_notes")
    op.drop_table("desk_contact_notes")
    op.drop_index("ix_desk_contact_tags_brand_tag", table_name="desk_contact_tags")
    op.drop_table("desk_contact_tags")
    op.drop_table("desk_labels")
