"""``media_attachments.processing_failed``: a video or audio upload whose deferred processing
(``posts.jobs.process_media``) found the file unusable; the API answers 422 for it, as
Mastodon does for ``processing: failed``.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: batch mode could copy the table on SQLite
    column: sa.Column[object] = sa.Column(
        "processing_failed", sa.Boolean(), server_default=sa.false(), nullable=False
    )
    op.add_column("media_attachments", column)


def downgrade() -> None:
    op.drop_column("media_attachments", "processing_failed")
