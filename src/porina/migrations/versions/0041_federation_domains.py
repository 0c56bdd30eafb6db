"""Federation at scale and safety (issue 20, points 4 and 5): ``federation_instances``, the
delivery health of each remote domain (failing since, unavailable), and
``federation_domain_blocks``, the admin's domain blocks (suspend, silence, noop).

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "federation_instances",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("failing_since", TIME(), nullable=True),
        sa.Column("last_failure_at", TIME(), nullable=True),
        sa.Column("last_success_at", TIME(), nullable=True),
        sa.Column("unavailable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_federation_instances")),
    )
    op.create_table(
        "federation_domain_blocks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("reject_media", sa.Boolean(), nullable=False),
        sa.Column("reject_reports", sa.Boolean(), nullable=False),
        sa.Column("obfuscate", sa.Boolean(), nullable=False),
        sa.Column("private_comment", sa.Text(), nullable=True),
        sa.Column("public_comment", sa.Text(), nullable=True),
        sa.Column("created_at", TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_domain_blocks")),
        sa.UniqueConstraint("domain", name=op.f("uq_federation_domain_blocks_domain")),
    )


def downgrade() -> None:
    op.drop_table("federation_domain_blocks")
    op.drop_table("federation_instances")
