"""The newsletter's bounces, complaints and click counts (issue 19, points 5 and 6;
docs/newsletter.md, "Bounces and complaints" and "Click counting"): ``newsletter_bounces``
(one row per bounce or complaint received about a subscriber: kind, where it came from, the
campaign when known), ``newsletter_link_clicks`` (one aggregate count per campaign and link,
nothing about who clicked) and ``newsletter_lists.click_tracking`` (off unless the brand turns
it on).

Revision ID: 0042
Revises: 0041
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "newsletter_bounces",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subscriber_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["newsletter_subscribers.id"],
            name=op.f("fk_newsletter_bounces_subscriber_id_newsletter_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_bounces")),
    )
    op.create_index("ix_newsletter_bounces_subscriber_id", "newsletter_bounces", ["subscriber_id"])
    op.create_index("ix_newsletter_bounces_campaign_id", "newsletter_bounces", ["campaign_id"])
    op.create_table(
        "newsletter_link_clicks",
        sa.Column("campaign_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("last_at", TIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "url_hash", name=op.f("pk_newsletter_link_clicks")),
    )
    with op.batch_alter_table("newsletter_lists") as batch:
        batch.add_column(
            sa.Column("click_tracking", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("newsletter_lists") as batch:
        batch.drop_column("click_tracking")
    op.drop_table("newsletter_link_clicks")
    op.drop_table("newsletter_bounces")
