"""The weekly analytics report (issue 17, point 3): ``mail_attachments``, files sent with an
outbox message (the report's PDF), and ``analytics_weekly_reports``, the weeks a report was
sent to a person for an account (so a week's report goes once).

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_attachments",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_attachments_message_id_mail_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachments")),
    )
    op.create_index("ix_mail_attachments_message_id", "mail_attachments", ["message_id"])
    op.create_table(
        "analytics_weekly_reports",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("sent_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id", "user_id", "week", name=op.f("pk_analytics_weekly_reports")
        ),
    )


def downgrade() -> None:
    op.drop_table("analytics_weekly_reports")
    op.drop_index("ix_mail_attachments_message_id", "mail_attachments")
    op.drop_table("mail_attachments")
