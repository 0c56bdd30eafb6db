"""The newsletter's privacy statement per brand (issue 19, point 1): ``newsletter_brand_privacy``,
one row per brand account with the statement in English and Finnish, edited by the brand's
owner or manager and shown at ``/newsletter/privacy/<username>`` and on every list's privacy
page that has no statement of its own.

Revision ID: 0046
Revises: 0045
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "newsletter_brand_privacy",
        sa.Column("brand_account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_fi", sa.Text(), nullable=False),
        sa.Column("updated_at", TIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_newsletter_brand_privacy_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("brand_account_id", name=op.f("pk_newsletter_brand_privacy")),
    )


def downgrade() -> None:
    op.drop_table("newsletter_brand_privacy")
