"""Writers for what a person has read: dismissing notifications and saving markers."""

from __future__ import annotations

from sqlalchemy import update

from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.notifications.models import Marker, Notification
from porina.notifications.queries import MARKER_TIMELINES
from porina.storage.db import Tx


async def dismiss(tx: Tx, account_id: int, notification_id: int) -> None:
    result = await tx.session.execute(
        update(Notification)
        .where(Notification.account_id == account_id, Notification.id == notification_id)
        .values(dismissed=True)
    )
    if not getattr(result, "rowcount", 0):
        raise NotFound()


async def dismiss_group(tx: Tx, account_id: int, group_key: str) -> None:
    await tx.session.execute(
        update(Notification)
        .where(Notification.account_id == account_id, Notification.group_key == group_key)
        .values(dismissed=True)
    )


async def clear(tx: Tx, account_id: int) -> None:
    await tx.session.execute(
        update(Notification).where(Notification.account_id == account_id).values(dismissed=True)
    )


async def save_marker(tx: Tx, account_id: int, timeline: str, last_read_id: int) -> Marker:
    if timeline not in MARKER_TIMELINES:
        raise Unprocessable(f"Validation failed: {timeline} is not a timeline with a marker")
    row = await tx.session.get(Marker, (account_id, timeline))
    if row is None:
        row = Marker(
            account_id=account_id,
            timeline=timeline,
            last_read_id=last_read_id,
            version=0,
            updated_at=now(),
        )
        tx.session.add(row)
    else:
        row.last_read_id = last_read_id
        row.version += 1
        row.updated_at = now()
    await tx.session.flush()
    return row
