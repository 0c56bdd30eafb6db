"""Case-insensitive unique usernames (per domain) and e-mail addresses.

Expression indexes are written by hand: autogenerate cannot compare them on SQLite.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE UNIQUE INDEX uq_accounts_username_domain "
        "ON accounts (lower(username), coalesce(domain, ''))"
    )
    op.execute("CREATE UNIQUE INDEX uq_users_email ON users (lower(email))")


def downgrade() -> None:
    op.execute("DROP INDEX uq_users_email")
    op.execute("DROP INDEX uq_accounts_username_domain")
