"""Newsletter campaigns and their sending (issue 19, points 2-4; docs/newsletter.md,
"Campaigns"): ``newsletter_campaigns`` (subject, Markdown or digest body, state, schedule and
counts), ``newsletter_campaign_lists`` (the lists a campaign goes to) and ``newsletter_sends``
(one row per recipient and campaign, written before the mail leaves: the crash-safe record).

Revision ID: 0044
Revises: 0043
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime
COUNTS = ("recipients", "sent", "failed", "duplicates", "bounced", "unsubscribed")


def _campaigns() -> None:
    op.create_table(
        "newsletter_campaigns",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=998), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("scheduled_at", TIME(timezone=True), nullable=True),
        sa.Column("started_at", TIME(timezone=True), nullable=True),
        sa.Column("finished_at", TIME(timezone=True), nullable=True),
        sa.Column("sender", sa.String(length=200), nullable=True),
        sa.Column("heartbeat_at", TIME(timezone=True), nullable=True),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in COUNTS],
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("updated_at", TIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_newsletter_campaigns_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_campaigns")),
    )
    op.create_index(
        "ix_newsletter_campaigns_brand_account_id", "newsletter_campaigns", ["brand_account_id"]
    )


def upgrade() -> None:
    _campaigns()
    op.create_table(
        "newsletter_campaign_lists",
        sa.Column("campaign_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("list_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["newsletter_campaigns.id"],
            name=op.f("fk_newsletter_campaign_lists_campaign_id_newsletter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["newsletter_lists.id"],
            name=op.f("fk_newsletter_campaign_lists_list_id_newsletter_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "list_id", name=op.f("pk_newsletter_campaign_lists")
        ),
    )
    op.create_table(
        "newsletter_sends",
        sa.Column("campaign_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subscriber_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", TIME(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["newsletter_campaigns.id"],
            name=op.f("fk_newsletter_sends_campaign_id_newsletter_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "subscriber_id", name=op.f("pk_newsletter_sends")),
        sa.UniqueConstraint(
            "campaign_id", "email", name=op.f("uq_newsletter_sends_campaign_id_email")
        ),
    )
    op.create_index("ix_newsletter_sends_subscriber_id", "newsletter_sends", ["subscriber_id"])
    op.create_index(
        "ix_newsletter_sends_campaign_state", "newsletter_sends", ["campaign_id", "state"]
    )


def downgrade() -> None:
    op.drop_table("newsletter_sends")
    op.drop_table("newsletter_campaign_lists")
    op.drop_table("newsletter_campaigns")
