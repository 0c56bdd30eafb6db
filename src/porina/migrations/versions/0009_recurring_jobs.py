"""``recurring_jobs``: the last period each recurring job was queued for and its last success
(``jobs/recurring.py``), so any number of processes queue each period once.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, porina.storage.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "recurring_jobs",
        sa.Column("name", sa.String(length=64), nullable=False),
        _when("period_start"),
        _when("queued_at"),
        _when("finished_period", nullable=True),
        _when("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_recurring_jobs")),
    )


def downgrade() -> None:
    op.drop_table("recurring_jobs")
