"""The newsletter's lists, subscribers and consents (issue 19, point 1; docs/newsletter.md):
``newsletter_lists`` (a brand's list: what and how often, single or double opt-in, the gift,
the privacy statement in English and Finnish), ``newsletter_subscribers`` (one normalised
address per list, its state, attribution, the secret token of its self-service links, bounce
counts) and ``newsletter_consents`` (when, the exact text agreed to, the list; no IP address).

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def _lists() -> None:
    op.create_table(
        "newsletter_lists",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(length=200), nullable=False),
        sa.Column("double_opt_in", sa.Boolean(), nullable=False),
        sa.Column("gift_url", sa.String(length=2000), nullable=True),
        sa.Column("gift_label", sa.String(length=200), nullable=True),
        sa.Column("privacy_en", sa.Text(), nullable=False),
        sa.Column("privacy_fi", sa.Text(), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("updated_at", TIME(timezone=True), nullable=False),
        _fk("newsletter_lists", "brand_account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_lists")),
    )
    op.create_index(
        "ix_newsletter_lists_brand_account_id", "newsletter_lists", ["brand_account_id"]
    )


def _subscribers() -> None:
    op.create_table(
        "newsletter_subscribers",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("list_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("confirmed_at", TIME(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", TIME(timezone=True), nullable=True),
        sa.Column("mailed_at", TIME(timezone=True), nullable=True),
        sa.Column("soft_bounces", sa.BigInteger(), nullable=False),
        sa.Column("hard_bounces", sa.BigInteger(), nullable=False),
        _fk("newsletter_subscribers", "list_id", "newsletter_lists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_subscribers")),
        sa.UniqueConstraint(
            "list_id", "email", name=op.f("uq_newsletter_subscribers_list_id_email")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_newsletter_subscribers_token")),
    )


def _consents() -> None:
    op.create_table(
        "newsletter_consents",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subscriber_id", sa.BigInteger(), nullable=False),
        sa.Column("list_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", TIME(timezone=True), nullable=False),
        _fk("newsletter_consents", "subscriber_id", "newsletter_subscribers"),
        _fk("newsletter_consents", "list_id", "newsletter_lists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_consents")),
    )
    op.create_index(
        "ix_newsletter_consents_subscriber_id", "newsletter_consents", ["subscriber_id"]
    )


def upgrade() -> None:
    _lists()
    _subscribers()
    _consents()


def downgrade() -> None:
    op.drop_index("ix_newsletter_consents_subscriber_id", table_name="newsletter_consents")
    op.drop_table("newsletter_consents")
    op.drop_table("newsletter_subscribers")
    op.drop_index("ix_newsletter_lists_brand_account_id", table_name="newsletter_lists")
    op.drop_table("newsletter_lists")
