"""Analytics records from domain events, in the transaction of the action that emitted them.

Each subscriber maps one event type to its record (``domain:object:verb``, the actor, the
target and a little data); the table below reads as the catalogue of what is recorded.
"""

from __future__ import annotations

from typing import Any

from porina.analytics.events import EventName, record
from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.storage.db import Tx


def _account(tx: Tx, name: EventName, event: ev.Event, other: int, **data: Any) -> None:
    """An account-to-account record: the target is the other account."""
    record(
        tx,
        name,
        event.actor,
        target_type="account",
        target_id=other,
        target_account_id=other,
        data=data or None,
    )


def _status(tx: Tx, name: EventName, event: ev.Event, status_id: int, author_id: int) -> None:
    record(
        tx,
        name,
        event.actor,
        target_type="status",
        target_id=status_id,
        target_account_id=author_id,
    )


@subscribe(ev.AccountCreated)
async def account_created(tx: Tx, event: ev.AccountCreated) -> None:
    _account(tx, "account:account:create", event, event.account_id)


@subscribe(ev.ProfileUpdated)
async def profile_updated(tx: Tx, event: ev.ProfileUpdated) -> None:
    if event.changed is None:
        _account(tx, "account:profile:update", event, event.account_id)
        return
    data: dict[str, Any] = {"changed": event.changed}
    if event.locale is not None:
        data["locale"] = event.locale
    record(
        tx,
        "account:profile:update",
        event.actor,
        target_type="account",
        target_id=event.account_id,
        data=data,
    )


@subscribe(ev.Followed)
async def followed(tx: Tx, event: ev.Followed) -> None:
    _account(tx, "account:follow:create", event, event.target_id)


@subscribe(ev.FollowRequested)
async def follow_requested(tx: Tx, event: ev.FollowRequested) -> None:
    _account(tx, "account:follow_request:create", event, event.target_id)


@subscribe(ev.FollowRequestAuthorized)
async def follow_authorized(tx: Tx, event: ev.FollowRequestAuthorized) -> None:
    _account(tx, "account:follow_request:authorize", event, event.follower_id)


@subscribe(ev.FollowRequestRejected)
async def follow_rejected(tx: Tx, event: ev.FollowRequestRejected) -> None:
    _account(tx, "account:follow_request:reject", event, event.follower_id)


@subscribe(ev.Unfollowed)
async def unfollowed(tx: Tx, event: ev.Unfollowed) -> None:
    if event.by_block:
        return  # the block is the record
    actor_id = event.actor.account_id if event.actor else event.follower_id
    if actor_id == event.follower_id:
        _account(tx, "account:follow:delete", event, event.target_id)
    else:
        _account(tx, "account:follow:delete", event, event.follower_id, removed_follower=True)


@subscribe(ev.Blocked)
async def blocked(tx: Tx, event: ev.Blocked) -> None:
    _account(tx, "account:block:create", event, event.target_id)


@subscribe(ev.Unblocked)
async def unblocked(tx: Tx, event: ev.Unblocked) -> None:
    _account(tx, "account:block:delete", event, event.target_id)


@subscribe(ev.Muted)
async def muted(tx: Tx, event: ev.Muted) -> None:
    _account(
        tx,
        "account:mute:create",
        event,
        event.target_id,
        notifications=event.notifications,
        duration=event.duration,
    )


@subscribe(ev.Unmuted)
async def unmuted(tx: Tx, event: ev.Unmuted) -> None:
    _account(tx, "account:mute:delete", event, event.target_id)


def _created_name(event: ev.StatusCreated) -> EventName:
    if event.visibility == "direct":
        return "post:direct:create"
    if event.quoted_id is not None:
        return "post:quote:create"
    if event.parent_id is not None:
        return "post:reply:create"
    return "post:status:create"


@subscribe(ev.StatusCreated)
async def status_created(tx: Tx, event: ev.StatusCreated) -> None:
    record(
        tx,
        _created_name(event),
        event.actor,
        target_type="status",
        target_id=event.status_id,
        target_account_id=event.parent_author_id,
        data={"visibility": event.visibility},
    )


@subscribe(ev.StatusEdited)
async def status_edited(tx: Tx, event: ev.StatusEdited) -> None:
    record(tx, "post:status:update", event.actor, target_type="status", target_id=event.status_id)


@subscribe(ev.StatusDeleted)
async def status_deleted(tx: Tx, event: ev.StatusDeleted) -> None:
    if event.cascade:
        return  # a reblog removed with the status it boosted: the deletion is the record
    record(tx, "post:status:delete", event.actor, target_type="status", target_id=event.status_id)


@subscribe(ev.StatusPinned)
async def pinned(tx: Tx, event: ev.StatusPinned) -> None:
    record(
        tx, "interaction:pin:create", event.actor, target_type="status", target_id=event.status_id
    )


@subscribe(ev.StatusUnpinned)
async def unpinned(tx: Tx, event: ev.StatusUnpinned) -> None:
    record(
        tx, "interaction:pin:delete", event.actor, target_type="status", target_id=event.status_id
    )


@subscribe(ev.Favourited)
async def favourited(tx: Tx, event: ev.Favourited) -> None:
    _status(tx, "interaction:favourite:create", event, event.status_id, event.status_author_id)


@subscribe(ev.Unfavourited)
async def unfavourited(tx: Tx, event: ev.Unfavourited) -> None:
    _status(tx, "interaction:favourite:delete", event, event.status_id, event.status_author_id)


@subscribe(ev.Bookmarked)
async def bookmarked(tx: Tx, event: ev.Bookmarked) -> None:
    _status(tx, "interaction:bookmark:create", event, event.status_id, event.status_author_id)


@subscribe(ev.Unbookmarked)
async def unbookmarked(tx: Tx, event: ev.Unbookmarked) -> None:
    _status(tx, "interaction:bookmark:delete", event, event.status_id, event.status_author_id)


@subscribe(ev.Reblogged)
async def reblogged(tx: Tx, event: ev.Reblogged) -> None:
    record(
        tx,
        "interaction:reblog:create",
        event.actor,
        target_type="status",
        target_id=event.status_id,
        target_account_id=event.status_author_id,
        data={"reblog_id": str(event.reblog_id)},
    )


@subscribe(ev.Unreblogged)
async def unreblogged(tx: Tx, event: ev.Unreblogged) -> None:
    _status(tx, "interaction:reblog:delete", event, event.status_id, event.status_author_id)


@subscribe(ev.PollVoted)
async def poll_voted(tx: Tx, event: ev.PollVoted) -> None:
    record(
        tx,
        "interaction:poll:vote",
        event.actor,
        target_type="poll",
        target_id=event.poll_id,
        target_account_id=event.poll_author_id,
        data={"choices": list(event.choices)},
    )


@subscribe(ev.ReportFiled)
async def report_filed(tx: Tx, event: ev.ReportFiled) -> None:
    record(
        tx,
        "moderation:report:create",
        event.actor,
        target_type="report",
        target_id=event.report_id,
        target_account_id=event.target_account_id,
        data={"category": event.category},
    )


@subscribe(ev.ReportResolved)
async def report_resolved(tx: Tx, event: ev.ReportResolved) -> None:
    record(
        tx,
        "moderation:report:resolve",
        event.actor,
        target_type="report",
        target_id=event.report_id,
        target_account_id=event.target_account_id,
        data={"action": event.action},
    )
