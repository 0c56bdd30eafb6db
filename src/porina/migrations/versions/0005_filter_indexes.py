"""Indexes for reading a person's filters: every timeline page asks whether the viewer has
active filters (``filters.account_id``), and loading them joins keywords and statuses by
``filter_id``. Without them each of those was a scan of the whole table.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_filters_account_id", "filters", "account_id"),
    ("ix_filter_keywords_filter_id", "filter_keywords", "filter_id"),
    ("ix_filter_statuses_filter_id", "filter_statuses", "filter_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
