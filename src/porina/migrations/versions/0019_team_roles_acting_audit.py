"""The business desk's team (issue 16, item 1):

- operator roles become owner / manager / agent / analyst: admin and editor are managers,
  responder is an agent (owner and analyst stay);
- ``web_sessions.acting_account_id``: the brand a signed-in staff member acts as on the web
  (NULL: their own account); the brand's deletion ends it;
- ``team_audit``: every staff action taken as a brand, and every team change: who (the
  staff user), as which brand, what (the event type), on what, when.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import porina.storage.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

FORWARD = {"admin": "manager", "editor": "manager", "responder": "agent"}


def upgrade() -> None:
    for old, new in FORWARD.items():
        op.execute(
            sa.text("UPDATE account_operators SET role = :new WHERE role = :old").bindparams(
                new=new, old=old
            )
        )
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("acting_account_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            "fk_web_sessions_acting_account_id_accounts",
            "accounts",
            ["acting_account_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "team_audit",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("created_at", porina.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_team_audit_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_audit")),
    )
    op.create_index("ix_team_audit_account_id_id", "team_audit", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_team_audit_account_id_id", table_name="team_audit")
    op.drop_table("team_audit")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_constraint("fk_web_sessions_acting_account_id_accounts", type_="foreignkey")
        batch.drop_column("acting_account_id")
    op.execute(sa.text("UPDATE account_operators SET role = 'admin' WHERE role = 'manager'"))
    op.execute(sa.text("UPDATE account_operators SET role = 'responder' WHERE role = 'agent'"))
