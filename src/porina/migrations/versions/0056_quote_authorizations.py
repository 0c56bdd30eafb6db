"""Quote authorizations (issue 20, FEP-044f): ``quote_authorizations``, the consent a quoted
post's author gave to one quote (served at its URL for a local author, kept by its id for
another server's), and when it was revoked.

Revision ID: 0056
Revises: 0055
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0056"
down_revision = "0055"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "quote_authorizations",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("quoted_status_id", sa.BigInteger(), nullable=False),
        sa.Column("quoting_uri", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("revoked_at", TIME(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["quoted_status_id"],
            ["statuses.id"],
            name=op.f("fk_quote_authorizations_quoted_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_authorizations")),
        sa.UniqueConstraint(
            "quoted_status_id",
            "quoting_uri",
            name=op.f("uq_quote_authorizations_quoted_status_id_quoting_uri"),
        ),
    )
    op.create_index("uq_quote_authorizations_uri", "quote_authorizations", ["uri"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_quote_authorizations_uri", table_name="quote_authorizations")
    op.drop_table("quote_authorizations")
