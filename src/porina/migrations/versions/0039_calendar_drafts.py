"""The content calendar (issue 19, points 7 and 8): a brand's draft posts (``calendar_drafts``:
text, visibility, media, a simple poll, spoiler, language, the planned time and the brand's time
zone, the author, the state, the reviewer's comment, why a publish was missed, the attempts so
far, the published status) and every change of their state (``calendar_draft_transitions``:
who, when, the comment) for the audit.

Revision ID: 0039
Revises: 0038
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _drafts() -> None:
    op.create_table(
        "calendar_drafts",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("spoiler_text", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("media_ids", porina.storage.base.Json, nullable=False),
        sa.Column("poll", porina.storage.base.Json, nullable=True),
        sa.Column("planned_at", TIME(timezone=True), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("missed_reason", sa.Text(), nullable=True),
        sa.Column("publish_attempts", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("published_status_id", sa.BigInteger(), nullable=True),
        sa.Column("published_at", TIME(timezone=True), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        sa.Column("updated_at", TIME(timezone=True), nullable=False),
        _fk("calendar_drafts", "brand_account_id", "accounts", "CASCADE"),
        _fk("calendar_drafts", "author_user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_drafts")),
    )
    op.create_index(
        "ix_calendar_drafts_brand_account_id_planned_at",
        "calendar_drafts",
        ["brand_account_id", "planned_at"],
    )
    op.create_index(
        "ix_calendar_drafts_state_planned_at", "calendar_drafts", ["state", "planned_at"]
    )


def _transitions() -> None:
    op.create_table(
        "calendar_draft_transitions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("draft_id", sa.BigInteger(), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", TIME(timezone=True), nullable=False),
        _fk("calendar_draft_transitions", "draft_id", "calendar_drafts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_draft_transitions")),
    )
    op.create_index(
        "ix_calendar_draft_transitions_draft_id",
        "calendar_draft_transitions",
        ["draft_id", "id"],
    )


def upgrade() -> None:
    _drafts()
    _transitions()


def downgrade() -> None:
    op.drop_index("ix_calendar_draft_transitions_draft_id", table_name="calendar_draft_transitions")
    op.drop_table("calendar_draft_transitions")
    op.drop_index("ix_calendar_drafts_state_planned_at", table_name="calendar_drafts")
    op.drop_index("ix_calendar_drafts_brand_account_id_planned_at", table_name="calendar_drafts")
    op.drop_table("calendar_drafts")
