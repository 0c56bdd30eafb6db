"""Reading the status an action is about: one the actor may see, or one of their own."""

from __future__ import annotations

from porina.core.actor import Actor
from porina.posts.errors import (
    NotAllowed,
    StatusNotFound,
)
from porina.posts.models import (
    Status,
)
from porina.posts.visibility import is_visible
from porina.storage.db import Tx


async def get_visible(tx: Tx, viewer_id: int | None, status_id: int) -> Status:
    status = await tx.session.get(Status, status_id)
    if status is None or not await is_visible(tx.session, viewer_id, status):
        raise StatusNotFound()
    return status


async def get_own(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await tx.session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        raise StatusNotFound()
    if status.account_id != actor.account_id:
        if await is_visible(tx.session, actor.account_id, status):
            raise NotAllowed("This action is not allowed")
        raise StatusNotFound()
    return status


def thread_of(status: Status) -> int:
    return status.thread_id or status.id
