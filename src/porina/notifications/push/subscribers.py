"""Web Push hears of new notifications: when the recipient has a subscription, the push job
is queued in the notification's transaction and runs after commit (``delivery.py``). A
recipient without one costs nothing: ``notify`` read whether there is one with the checks it
runs anyway."""

from __future__ import annotations

from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.notifications.push.delivery import queue_push
from porina.storage.db import Tx


@subscribe(ev.NotificationCreated)
async def notification_created(tx: Tx, event: ev.NotificationCreated) -> None:
    if event.push_subscribed:
        await queue_push(tx, event.notification_id, event.account_id)
