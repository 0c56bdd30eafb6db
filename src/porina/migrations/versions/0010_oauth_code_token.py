"""``oauth_codes.token_id``: the access token an authorization code bought, so a second use of
the code revokes it (RFC 6749 4.1.2: the code may have been stolen).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("oauth_codes", sa.Column("token_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("oauth_codes", "token_id")
