"""The desk's listening (issue 16, point 8): ``desk_watches`` — a brand's keyword and hashtag
watches, whose matching public posts enter its inbox as outreach items.

Also narrows analysts' old tokens: before 0019 an analyst's token acting as a brand was
issued with ``read``; since then analysts get ``read:accounts`` only (metrics, no
conversation content, no timelines or direct messages). Tokens issued before kept ``read``;
every unrevoked token acting as a brand whose holder is an analyst of that brand now has
``read:accounts``. The downgrade leaves them narrowed.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_watches",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("created_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_account_id"],
            ["accounts.id"],
            name=op.f("fk_desk_watches_brand_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_desk_watches_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_watches")),
        sa.UniqueConstraint(
            "brand_account_id",
            "kind",
            "term",
            name=op.f("uq_desk_watches_brand_account_id_kind_term"),
        ),
    )

    op.execute(
        sa.text(
            "UPDATE oauth_tokens SET scopes = 'read:accounts' "
            "WHERE account_id IS NOT NULL AND revoked_at IS NULL "
            "AND scopes <> 'read:accounts' AND EXISTS ("
            "SELECT 1 FROM account_operators AS o WHERE o.account_id = oauth_tokens.account_id "
            "AND o.user_id = oauth_tokens.user_id AND o.role = 'analyst')"
        )
    )


def downgrade() -> None:
    op.drop_table("desk_watches")
