"""A status is stored once per ActivityPub id (issue 20): ``statuses.uri`` becomes unique.

Local statuses keep ``uri`` NULL (their id is made from their URL), and NULLs never collide
in a unique index on SQLite or PostgreSQL, so the index covers exactly the remote ids (Notes
and the Announces kept for boosts). Two deliveries of one Note that raced before this could
have stored it twice: the later copies are soft-deleted and lose their ``uri`` first (the
first stored stays; its counts and threads are the ones peers' later activities reach).

Revision ID: 0050
Revises: 0049
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0050"
down_revision = "0049"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime


def upgrade() -> None:
    statuses = sa.table(
        "statuses",
        sa.column("id", sa.BigInteger()),
        sa.column("uri", sa.Text()),
        sa.column("deleted_at", TIME(timezone=True)),
    )
    first = (
        sa.select(sa.func.min(statuses.c.id))
        .where(statuses.c.uri.is_not(None))
        .group_by(statuses.c.uri)
    )
    moment = sa.literal(datetime.now(UTC), TIME(timezone=True))
    op.execute(
        statuses.update()
        .where(statuses.c.uri.is_not(None), statuses.c.id.not_in(first))
        .values(uri=None, deleted_at=sa.func.coalesce(statuses.c.deleted_at, moment))
    )
    op.drop_index("ix_statuses_uri", table_name="statuses")
    op.create_index("uq_statuses_uri", "statuses", ["uri"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_statuses_uri", table_name="statuses")
    op.create_index("ix_statuses_uri", "statuses", ["uri"], unique=False)
