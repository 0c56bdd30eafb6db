"""Pinning own statuses to the profile (at most five)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import (
    StatusPinned,
    StatusUnpinned,
)
from porina.jobs.events import emit
from porina.posts.access import get_visible
from porina.posts.errors import (
    PinLimit,
)
from porina.posts.models import (
    Status,
    StatusPin,
)
from porina.storage.db import Tx

MAX_PINS = 5


async def pin(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await get_visible(tx, actor.account_id, status_id)
    if status.account_id != actor.account_id:
        raise PinLimit("Validation failed: You can only pin your own posts")
    if status.reblog_of_id is not None:
        raise PinLimit("Validation failed: Boosts cannot be pinned")
    if status.visibility == "direct":
        raise PinLimit("Validation failed: Private mentions cannot be pinned")
    if await tx.session.get(StatusPin, (actor.account_id, status.id)) is not None:
        return status
    count = await tx.session.scalar(
        select(func.count()).where(StatusPin.account_id == actor.account_id)
    )
    if (count or 0) >= MAX_PINS:
        raise PinLimit(f"Validation failed: You can pin at most {MAX_PINS} posts")
    tx.session.add(StatusPin(account_id=actor.account_id, status_id=status.id, created_at=now()))
    await emit(tx, StatusPinned(actor=actor, status_id=status.id))
    return status


async def unpin(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await get_visible(tx, actor.account_id, status_id)
    result = await tx.session.execute(
        delete(StatusPin).where(
            StatusPin.account_id == actor.account_id, StatusPin.status_id == status.id
        )
    )
    if getattr(result, "rowcount", 0):
        await emit(tx, StatusUnpinned(actor=actor, status_id=status.id))
    return status
