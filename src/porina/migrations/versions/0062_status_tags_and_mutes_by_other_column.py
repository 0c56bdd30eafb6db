"""Indexes for the reads by the second column (issue 14): ``status_tags`` by ``status_id`` and
``mutes`` by ``target_account_id``.

``status_tags``'s key is ``(tag_id, status_id)``, so a post's tags by its id read the whole
table: every post's fan-out asks which accounts follow one of its tags
(``timelines/queries.py``), an edit replaces its tags and a deleted post's rows go by the
foreign key's cascade, each a scan of every tagged post there is (0.70 ms at 12,500 rows in
the bench's 1,000-account world, growing with every tagged post; 0.011 ms with the index).
``mutes`` had only its ``(account_id, target_account_id)`` key, and the same fan-out asks who
muted the author.

Revision ID: 0062
Revises: 0061
"""

from __future__ import annotations

from alembic import op

revision = "0062"
down_revision = "0061"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_tags", schema=None) as batch_op:
        batch_op.create_index("ix_status_tags_status_id", ["status_id"], unique=False)
    with op.batch_alter_table("mutes", schema=None) as batch_op:
        batch_op.create_index("ix_mutes_target_account_id", ["target_account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mutes", schema=None) as batch_op:
        batch_op.drop_index("ix_mutes_target_account_id")
    with op.batch_alter_table("status_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_status_tags_status_id")
