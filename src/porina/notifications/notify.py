"""Creating notifications: the one writer every action uses.

A notification is not created when the recipient is the actor, blocks or is blocked by the
actor, mutes the actor with notifications hidden, or has muted the thread. ``dedupe_key``
makes creation idempotent (a retried job never notifies twice). The ``group_key`` groups
favourites and reblogs of one status (and follows) as Mastodon 4.3's grouped notifications do.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from sqlalchemy import BigInteger, Select, and_, bindparam, exists, or_, select

from porina.accounts.models import Block, Mute
from porina.core.clock import now
from porina.core.ids import new_id
from porina.interactions.models import StatusMute
from porina.notifications.models import Notification
from porina.storage.base import UTCDateTime
from porina.storage.db import Tx, insert_if_absent
from porina.streaming import publish

DEDUPE = ("account_id", "dedupe_key")
"""The unique key that makes creating a notification idempotent."""

NotificationType = Literal[
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "quote",
    "quoted_update",
    "admin.sign_up",
    "admin.report",
]
GROUPED = {"favourite", "reblog", "follow"}


def group_key(kind: str, notification_id: int, status_id: int | None) -> str:
    if kind in {"favourite", "reblog"} and status_id is not None:
        return f"{kind}-{status_id}"
    if kind == "follow":
        return "follow"
    return f"ungrouped-{notification_id}"


_RECIPIENT = bindparam("porina_recipient", type_=BigInteger)
_SENDER = bindparam("porina_sender", type_=BigInteger)
_THREAD = bindparam("porina_thread", type_=BigInteger)
_MOMENT = bindparam("porina_moment", type_=UTCDateTime())


@functools.cache
def _suppressed_statement() -> Select[Any]:
    """Whether the recipient blocks or is blocked by the sender, mutes them with
    notifications hidden, or muted the thread (no thread: the last test is ``= NULL``, never
    true). Built once: every notification asks it."""
    blocked = exists().where(
        or_(
            and_(Block.account_id == _RECIPIENT, Block.target_account_id == _SENDER),
            and_(Block.account_id == _SENDER, Block.target_account_id == _RECIPIENT),
        )
    )
    muted = exists().where(
        Mute.account_id == _RECIPIENT,
        Mute.target_account_id == _SENDER,
        Mute.hide_notifications.is_(True),
        or_(Mute.expires_at.is_(None), Mute.expires_at > _MOMENT),
    )
    thread = exists().where(StatusMute.account_id == _RECIPIENT, StatusMute.thread_id == _THREAD)
    return select(or_(blocked, muted, thread))


async def _suppressed(
    tx: Tx, recipient_id: int, from_account_id: int, thread_id: int | None
) -> bool:
    params = {
        "porina_recipient": recipient_id,
        "porina_sender": from_account_id,
        "porina_thread": thread_id,
        "porina_moment": now(),
    }
    return bool(await tx.session.scalar(_suppressed_statement(), params))


async def notify(
    tx: Tx,
    recipient_id: int,
    from_account_id: int,
    kind: NotificationType,
    *,
    status_id: int | None = None,
    thread_id: int | None = None,
    report_id: int | None = None,
    dedupe: str | None = None,
) -> int | None:
    """Create a notification unless the recipient would not want it or has it already;
    returns its id, or None."""
    if recipient_id == from_account_id and kind not in {"poll", "admin.report", "admin.sign_up"}:
        return None
    if kind not in {"poll"} and await _suppressed(tx, recipient_id, from_account_id, thread_id):
        return None
    key = dedupe or f"{kind}:{from_account_id}:{status_id or report_id or ''}"
    nid = new_id()
    row = {
        "id": nid,
        "account_id": recipient_id,
        "from_account_id": from_account_id,
        "type": kind,
        "status_id": status_id,
        "report_id": report_id,
        "group_key": group_key(kind, nid, status_id),
        "created_at": now(),
        "dedupe_key": key,
        "dismissed": False,
    }
    if not await insert_if_absent(tx.session, Notification, row, unique=DEDUPE):
        return None  # the same notification exists already (a retried job, a double click)
    publish.after_commit(tx, f"user:{recipient_id}", "notification", notification_id=nid)
    return nid
