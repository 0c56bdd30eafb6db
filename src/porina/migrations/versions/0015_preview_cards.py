"""Link preview cards: ``preview_cards`` (one per URL, shared) and ``status_cards`` (the card a
status shows). ``posts/cards.py`` fills them from a job after a status is published or edited.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import porina.storage.base

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "preview_cards",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        _text("url"),
        sa.Column("type", sa.String(length=8), nullable=False),
        _text("title"),
        _text("description"),
        _text("author_name"),
        _text("author_url"),
        _text("provider_name"),
        _text("provider_url"),
        _text("html"),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        _text("embed_url"),
        sa.Column("image_path", sa.String(length=255), nullable=True),
        _text("image_description"),
        sa.Column("blurhash", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("published_at", porina.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "authors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fetched_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview_cards")),
    )
    op.create_index("ix_preview_cards_url", "preview_cards", ["url"], unique=True)
    op.create_table(
        "status_cards",
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("card_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_status_cards_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["preview_cards.id"],
            name=op.f("fk_status_cards_card_id_preview_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("status_id", name=op.f("pk_status_cards")),
    )
    op.create_index("ix_status_cards_card_id", "status_cards", ["card_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_status_cards_card_id", table_name="status_cards")
    op.drop_table("status_cards")
    op.drop_index("ix_preview_cards_url", table_name="preview_cards")
    op.drop_table("preview_cards")
