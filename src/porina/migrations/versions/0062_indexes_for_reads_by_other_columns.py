"""Indexes for reads by a column no index led with (issue 14): ``status_tags`` and
``status_pins`` by ``status_id``, ``mutes`` by ``target_account_id``, ``lists`` by
``account_id``.

- ``status_tags``'s key is ``(tag_id, status_id)``, so a post's tags by its id read the
  whole table: every post's fan-out asks which accounts follow one of its tags
  (``timelines/queries.py``) and an edit replaces its tags, each a scan of every tagged post
  there is (0.70 ms at 12,500 rows in the bench's 1,000-account world, growing with every
  tagged post; 0.011 ms with the index).
- ``mutes`` had only its ``(account_id, target_account_id)`` key; the same fan-out asks who
  muted the author.
- ``status_pins``' key is ``(account_id, status_id)``; every deleted post removes its pins by
  the post.
- ``lists`` had no index but its id: a person's lists (``GET /api/v1/lists``) and an
  unfollow's removal from the follower's lists read every list on the server.

Revision ID: 0062
Revises: 0061
"""

from __future__ import annotations

from alembic import op

revision = "0062"
down_revision = "0061"
branch_labels = None
depends_on = None

INDEXES = (
    ("status_tags", "ix_status_tags_status_id", "status_id"),
    ("status_pins", "ix_status_pins_status_id", "status_id"),
    ("mutes", "ix_mutes_target_account_id", "target_account_id"),
    ("lists", "ix_lists_account_id", "account_id"),
)


def upgrade() -> None:
    for table, name, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, [column], unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
