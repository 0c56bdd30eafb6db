"""Pseudonyms are not members (issue 21, point 2): ``accounts.pseudonym`` marks the account an
anonymous author posts under (``anonymity``), so the social graph leaves its follows out of
the followed account's ``followers_count`` (a group's ``member_count``) and the group's member
list leaves it out, without naming anonymity's tables. Existing pseudonyms are marked and the
counts of the accounts they follow corrected. ``anonymous_pending.group_id``: a new anonymous
discussion held in its group's queue (a group's anonymous policy may be ``moderated``).

Revision ID: 0058
Revises: 0057
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0058"
down_revision = "0057"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain string default: with an expression (sa.false()) Alembic's batch mode rebuilds
    # the SQLite table, and the rebuild drops its row-version trigger (0004)
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("pseudonym", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("anonymous_pending") as batch:
        batch.add_column(sa.Column("group_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE accounts SET pseudonym = TRUE"
        " WHERE id IN (SELECT account_id FROM anonymous_pseudonyms)"
    )
    op.execute(
        "UPDATE accounts SET followers_count = followers_count - ("
        " SELECT count(*) FROM follows JOIN anonymous_pseudonyms p"
        " ON p.account_id = follows.account_id"
        " WHERE follows.target_account_id = accounts.id)"
        " WHERE id IN (SELECT f.target_account_id FROM follows f"
        " JOIN anonymous_pseudonyms q ON q.account_id = f.account_id)"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE accounts SET followers_count = followers_count + ("
        " SELECT count(*) FROM follows JOIN accounts p ON p.id = follows.account_id"
        " WHERE follows.target_account_id = accounts.id AND p.pseudonym)"
    )
    with op.batch_alter_table("anonymous_pending") as batch:
        batch.drop_column("group_id")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("pseudonym")
