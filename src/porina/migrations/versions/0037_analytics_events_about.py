"""Analytics events by the status they are about and by their actor (issue 17, point 5):
``analytics_events.about_status_id`` (the favourited or boosted status, a reply's parent, a
quote's quoted status), filled for the rows already there, and indexes on
``(about_status_id, id)`` and ``(actor_account_id, id)``: one post's events, and an account's
own, over a time window are index ranges at any number of events.

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analytics_events") as batch:
        batch.add_column(sa.Column("about_status_id", sa.BigInteger(), nullable=True))
    op.get_bind().execute(
        sa.text(
            "UPDATE analytics_events SET about_status_id = target_id "
            "WHERE name LIKE :made OR name LIKE :undone"
        ),
        {"made": "interaction:%:create", "undone": "interaction:%:delete"},
    )
    if op.get_bind().dialect.name == "postgresql":
        parent = "(data->>'parent_id')::bigint"
        quoted = "(data->>'quoted_id')::bigint"
    else:
        parent = "CAST(json_extract(data, '$.parent_id') AS INTEGER)"
        quoted = "CAST(json_extract(data, '$.quoted_id') AS INTEGER)"
    op.execute(
        f"UPDATE analytics_events SET about_status_id = {parent} WHERE name = 'post:reply:create'"
    )
    op.execute(
        f"UPDATE analytics_events SET about_status_id = {quoted} WHERE name = 'post:quote:create'"
    )
    op.create_index(
        "ix_analytics_events_about_status_id_id", "analytics_events", ["about_status_id", "id"]
    )
    op.create_index(
        "ix_analytics_events_actor_account_id_id", "analytics_events", ["actor_account_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_events_actor_account_id_id", table_name="analytics_events")
    op.drop_index("ix_analytics_events_about_status_id_id", table_name="analytics_events")
    with op.batch_alter_table("analytics_events") as batch:
        batch.drop_column("about_status_id")
