"""A viewer's favourites and bookmarks by their own id (issue 14): ``GET /api/v1/favourites``
and ``/api/v1/bookmarks`` page on the mark's id (``timelines/marks_page.py``), newest first.
With only the unique (account_id, status_id) index, the database read every mark of the
viewer and sorted them for each page (0.44 ms a page on SQLite for an account with a few
hundred favourites, growing with each one); (account_id, id) gives the page as an index walk,
as Mastodon's ``index_favourites_on_account_id_and_id``.

Revision ID: 0060
Revises: 0059
"""

from __future__ import annotations

from alembic import op

revision = "0060"
down_revision = "0059"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_favourites_account_id_id", "favourites", ["account_id", "id"])
    op.create_index("ix_bookmarks_account_id_id", "bookmarks", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_bookmarks_account_id_id", table_name="bookmarks")
    op.drop_index("ix_favourites_account_id_id", table_name="favourites")
