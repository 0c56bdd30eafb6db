"""Creating notifications: the one writer every action uses.

A notification is not created when the recipient is the actor, blocks or is blocked by the
actor, mutes the actor with notifications hidden, or has muted the thread. The recipient's
notification policy (Mastodon 4.3) then accepts, filters (stored, held in the sender's request)
or drops it. ``dedupe_key``
makes creation idempotent (a retried job never notifies twice). The ``group_key`` groups
favourites and reblogs of one status (and follows) as Mastodon 4.3's grouped notifications do.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    or_,
    select,
    update,
)

from porina.accounts.models import Account, Block, Follow, Mute, User
from porina.core.clock import now
from porina.core.events import NotificationCreated
from porina.core.ids import new_id
from porina.interactions.models import StatusMute
from porina.jobs.events import emit
from porina.notifications.models import (
    Notification,
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
)
from porina.notifications.push.models import WebPushSubscription
from porina.storage.base import UTCDateTime
from porina.storage.db import Tx, insert_if_absent
from porina.storage.fastread import Prebuilt, as_datetime
from porina.streaming import publish

DEDUPE = ("account_id", "dedupe_key")
"""The unique key that makes creating a notification idempotent."""
REQUEST_KEY = ("account_id", "from_account_id")

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
    "porina.archive_ready",
    "porina.missed_call",
]
GROUPED = {"favourite", "reblog", "follow"}
SELF_SENT = frozenset({"poll", "admin.report", "admin.sign_up", "porina.archive_ready"})
"""Types a person may receive from themselves (``porina.archive_ready``: their data archive
is built, Porina's own type, shown by the web app; Mastodon clients pass over types they do
not know)."""
PORINA_ONLY = frozenset({"porina.missed_call"})
"""Porina's types that the Mastodon API leaves out unless a client asks for them by name
(``types[]=porina.missed_call``), and never streams to Mastodon clients: an app that does not
know a type may show it as an empty notification. The web app shows them."""


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

FILTERABLE = frozenset({"mention", "reblog", "follow", "follow_request", "favourite", "quote"})
"""Types a notification policy may filter or drop (Mastodon's ``filterable`` property)."""
POLICY_FIELDS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)
DEFAULT_POLICY = ("accept", "accept", "accept", "accept", "accept")
"""For a recipient who never set a policy: everything passes, as before filtering existed.
Mastodon 4.3 filters private mentions and limited accounts by default (``filter`` for the
last two); Porina keeps notifications as they were until the person chooses."""
NEW_ACCOUNT = timedelta(days=30)
NEW_FOLLOWER = timedelta(days=3)
STAFF = ("admin", "moderator")


def _suppressed_clause() -> ColumnElement[bool]:
    """Whether the recipient blocks or is blocked by the sender, mutes them with
    notifications hidden, or muted the thread (no thread: the last test is ``= NULL``, never
    true)."""
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
    return or_(blocked, muted, thread)


@functools.cache
def _facts_prebuilt() -> Prebuilt:
    """``_facts_statement`` compiled once per dialect, run on the transaction's connection."""
    return Prebuilt(_facts_statement())


@functools.cache
def _facts_statement() -> Select[Any]:
    """One row: whether the notification is suppressed, then what the recipient's policy
    needs (policy, follows both ways, the sender's age, limits and role, an accepted request).
    Built once: every notification asks it."""
    policy = [
        select(getattr(NotificationPolicy, name))
        .where(NotificationPolicy.account_id == _RECIPIENT)
        .scalar_subquery()
        for name in POLICY_FIELDS
    ]
    return select(
        _suppressed_clause(),
        *policy,
        exists().where(Follow.account_id == _RECIPIENT, Follow.target_account_id == _SENDER),
        select(Follow.created_at)
        .where(Follow.account_id == _SENDER, Follow.target_account_id == _RECIPIENT)
        .scalar_subquery(),
        select(Account.created_at).where(Account.id == _SENDER).scalar_subquery(),
        select(Account.silenced_at).where(Account.id == _SENDER).scalar_subquery(),
        exists().where(User.account_id == _SENDER, User.role.in_(STAFF)),
        exists().where(
            NotificationPermission.account_id == _RECIPIENT,
            NotificationPermission.from_account_id == _SENDER,
        ),
        exists().where(WebPushSubscription.account_id == _RECIPIENT),
    )


@dataclass(frozen=True, slots=True)
class Facts:
    suppressed: bool
    policy: tuple[str, ...]
    following: bool
    follower_since: datetime | None
    sender_created_at: datetime | None
    sender_silenced: bool
    sender_staff: bool
    permitted: bool
    push_subscribed: bool
    """The recipient has a Web Push subscription (notifications/push)."""


async def _facts(tx: Tx, recipient_id: int, from_account_id: int, thread_id: int | None) -> Facts:
    params = {
        "porina_recipient": recipient_id,
        "porina_sender": from_account_id,
        "porina_thread": thread_id,
        "porina_moment": now(),
    }
    row = (await tx.run(_facts_prebuilt(), params)).one()
    policy = tuple(
        value if value is not None else default
        for value, default in zip(row[1:6], DEFAULT_POLICY, strict=True)
    )
    return Facts(
        suppressed=bool(row[0]),
        policy=policy,
        following=bool(row[6]),
        follower_since=_moment(row[7]),
        sender_created_at=_moment(row[8]),
        sender_silenced=row[9] is not None,
        sender_staff=bool(row[10]),
        permitted=bool(row[11]),
        push_subscribed=bool(row[12]),
    )


def _moment(value: Any) -> datetime | None:
    return None if value is None else as_datetime(value)


def verdict(facts: Facts, kind: str, *, private_mention: bool) -> str:
    """``accept``, ``filter`` or ``drop``, as Mastodon's NotifyService decides: a condition
    that holds and whose policy drops wins over one that filters."""
    if kind not in FILTERABLE or facts.permitted:
        return "accept"
    if kind == "mention" and facts.sender_staff:
        return "accept"  # moderators can always reach people
    moment = now()
    not_following = not facts.following
    not_follower = facts.follower_since is None or facts.follower_since > moment - NEW_FOLLOWER
    new_account = (
        facts.sender_created_at is not None and facts.sender_created_at > moment - NEW_ACCOUNT
    )
    holds = (
        not_following,
        not_follower,
        new_account and not_following,
        private_mention and not_following,
        facts.sender_silenced and not_following,
    )
    chosen = {value for value, applies in zip(facts.policy, holds, strict=True) if applies}
    for outcome in ("drop", "filter"):
        if outcome in chosen:
            return outcome
    return "accept"


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
    private_mention: bool = False,
) -> int | None:
    """Create a notification unless the recipient would not want it (or their policy drops
    it) or has it already; returns its id, or None. One the policy filters is stored
    ``filtered``, counted in the sender's request and not streamed. ``private_mention``: a
    direct status that does not answer the recipient."""
    if recipient_id == from_account_id and kind not in SELF_SENT:
        return None
    facts = await _facts(tx, recipient_id, from_account_id, thread_id)
    if kind not in {"poll"} and facts.suppressed:
        return None
    outcome = verdict(facts, kind, private_mention=private_mention)
    if outcome == "drop":
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
        "filtered": outcome == "filter",
    }
    if not await tx.insert_if_absent(Notification, row, unique=DEDUPE):
        return None  # the same notification exists already (a retried job, a double click)
    if outcome == "filter":
        await _request(tx, recipient_id, from_account_id)
        return nid
    await _created(tx, row, facts)
    return nid


async def _created(tx: Tx, row: dict[str, Any], facts: Facts) -> None:
    """A shown notification: streamed after commit, and announced (Web Push hears of it)."""
    publish.after_commit(tx, f"user:{row['account_id']}", "notification", notification_id=row["id"])
    created = NotificationCreated(
        notification_id=row["id"],
        account_id=row["account_id"],
        from_account_id=row["from_account_id"],
        kind=row["type"],
        status_id=row["status_id"],
        push_subscribed=facts.push_subscribed,
    )
    await emit(tx, created)


async def _request(tx: Tx, recipient_id: int, from_account_id: int) -> None:
    """The sender's request holding the filtered notification: created, or touched."""
    moment = now()
    row = {
        "id": new_id(),
        "account_id": recipient_id,
        "from_account_id": from_account_id,
        "created_at": moment,
        "updated_at": moment,
    }
    if not await insert_if_absent(tx.session, NotificationRequest, row, unique=REQUEST_KEY):
        await tx.session.execute(
            update(NotificationRequest)
            .where(
                NotificationRequest.account_id == recipient_id,
                NotificationRequest.from_account_id == from_account_id,
            )
            .values(updated_at=moment)
        )
