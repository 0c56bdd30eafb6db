"""Whether a follow's follower is on another server, on the follow itself (issue 14): every
post's, boost's and follow's transaction asks whether the author has a follower on another
server (``federation/reach.py``), and that asked each follower's account for its domain.
When there is none (an instance that does not federate, a brand followed only locally) it
read every follower: a brand with 100,000 followers, 100,000 follows and accounts per post.

``follows.remote`` is kept by the database on every insert, whichever path wrote the row
(the ORM, a Core insert, ``COPY``): an account's domain never changes. PostgreSQL: a
``BEFORE INSERT`` row trigger sets it; SQLite (which cannot assign ``NEW``): an ``AFTER
INSERT`` trigger sets it on the row when the follower is remote. The partial index
``ix_follows_remote_target`` holds only remote followers, so the question is one look-up.

Revision ID: 0063
Revises: 0062
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0063"
down_revision = "0062"
branch_labels = None
depends_on = None

PG_FUNCTION = (
    "CREATE FUNCTION porina_follow_remote() RETURNS trigger AS $$ BEGIN "
    "NEW.remote := EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id "
    "AND domain IS NOT NULL); RETURN NEW; END $$ LANGUAGE plpgsql"
)
PG_TRIGGER = (
    "CREATE TRIGGER follows_remote BEFORE INSERT ON follows "
    "FOR EACH ROW EXECUTE FUNCTION porina_follow_remote()"
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER follows_remote AFTER INSERT ON follows FOR EACH ROW "
    "WHEN (SELECT domain FROM accounts WHERE id = NEW.account_id) IS NOT NULL BEGIN "
    "UPDATE follows SET remote = 1 WHERE id = NEW.id; END"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column(
        "follows", sa.Column("remote", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(
        "UPDATE follows SET remote = "
        + ("1" if sqlite else "true")
        + " WHERE account_id IN (SELECT id FROM accounts WHERE domain IS NOT NULL)"
    )
    op.create_index(
        "ix_follows_remote_target",
        "follows",
        ["target_account_id"],
        unique=False,
        sqlite_where=sa.text("remote = 1"),  # as SQLAlchemy writes a boolean test there
        postgresql_where=sa.text("remote"),
    )
    if sqlite:
        op.execute(SQLITE_TRIGGER)
    else:
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP TRIGGER IF EXISTS follows_remote" + ("" if sqlite else " ON follows"))
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS porina_follow_remote()")
    op.drop_index("ix_follows_remote_target", table_name="follows")
    with op.batch_alter_table("follows") as batch:
        batch.drop_column("remote")
