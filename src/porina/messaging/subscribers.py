"""Direct conversations from domain events, in the action's transaction."""

from __future__ import annotations

from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.messaging.actions import on_direct_status
from porina.posts.models import Status
from porina.storage.db import Tx


@subscribe(ev.DirectMessageSent)
async def direct_message_sent(tx: Tx, event: ev.DirectMessageSent) -> None:
    """Every participant's conversation moves to the new message (the author's included)."""
    status = await tx.session.get(Status, event.status_id)
    if status is not None:
        await on_direct_status(tx, status, list(event.recipients))
