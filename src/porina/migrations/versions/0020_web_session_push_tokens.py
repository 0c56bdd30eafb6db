"""``oauth_tokens.web_session_hash``: the web session a token belongs to, for the push-only
token a browser's "Notifications on this device" subscribes with. Deleting the session (signing
out, a password reset, the account's deletion) deletes the token, and with it (``token_id``'s
own cascade) the Web Push subscription: a signed-out browser is pushed nothing more.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_tokens") as batch:
        batch.add_column(sa.Column("web_session_hash", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            "fk_oauth_tokens_web_session_hash_web_sessions",
            "web_sessions",
            ["web_session_hash"],
            ["id_hash"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_oauth_tokens_web_session_hash", ["web_session_hash"])


def downgrade() -> None:
    with op.batch_alter_table("oauth_tokens") as batch:
        batch.drop_index("ix_oauth_tokens_web_session_hash")
        batch.drop_constraint("fk_oauth_tokens_web_session_hash_web_sessions", type_="foreignkey")
        batch.drop_column("web_session_hash")
