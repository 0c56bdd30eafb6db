"""Account search by index (issue 14): a search by name prefix (``search/queries.py``) reads
the range of lowercased usernames and display names from the prefix to the next string in
code point order, where ``lower(...) LIKE 'prefix%'`` read every account (1.8 ms of the
bench's 1,000 accounts on SQLite for each ``/api/v2/search``, 100 times that at 100,000).
SQLite: ``lower(display_name)`` (the usernames' range uses ``uq_accounts_username_domain``);
PostgreSQL: both in the "C" collation, as the query compares them (a database's own
collation need not order a prefix's strings together). And the silenced accounts, which
every search and public timeline reads (``accounts.queries.heard_in_public``): a partial
index of the few, where each statement scanned every account.

Revision ID: 0059
Revises: 0058
"""

from __future__ import annotations

from alembic import op

revision = "0059"
down_revision = "0058"
branch_labels = None
depends_on = None

SILENCED = (
    "CREATE INDEX ix_accounts_search_silenced ON accounts (silenced_at)"
    " WHERE silenced_at IS NOT NULL"
)
SQLITE_UP = [
    "CREATE INDEX ix_accounts_search_display_name ON accounts (lower(display_name))",
    SILENCED,
]
PG_UP = [
    'CREATE INDEX ix_accounts_search_username ON accounts ((lower(username) COLLATE "C"))',
    'CREATE INDEX ix_accounts_search_display_name ON accounts ((lower(display_name) COLLATE "C"))',
    SILENCED,
]
NAMES = (
    "ix_accounts_search_username",
    "ix_accounts_search_display_name",
    "ix_accounts_search_silenced",
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else PG_UP:
        op.execute(statement)


def downgrade() -> None:
    for name in NAMES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
