"""The public and hashtag timelines' order (issue 14): ``ix_statuses_visibility_recent`` on
statuses (visibility, id). The existing (visibility, local, id) index gives the local
timeline its order; without a ``local`` condition (the federated timeline, hashtags) the
database read every public status and sorted them (33 ms for a page of 20 of 20,000 posts
on SQLite), where this index walks the newest first and stops at the page (0.6 ms).

Revision ID: 0034
Revises: 0033
"""

from __future__ import annotations

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_statuses_visibility_recent", "statuses", ["visibility", "id"])


def downgrade() -> None:
    op.drop_index("ix_statuses_visibility_recent", table_name="statuses")
