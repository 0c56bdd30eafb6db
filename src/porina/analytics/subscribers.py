"""Analytics records from domain events, in the transaction of the action that emitted them.

``RECORDS`` is the catalogue: for each event type, the record it makes (``domain:object:verb``),
what the record's target is, whose it is, and a little data. The few events whose record
depends on more than one field (a new status, a profile change, an ended follow) have a
subscriber of their own below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from porina.analytics.events import EventName, record
from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.storage.db import Tx


@dataclass(frozen=True, slots=True)
class Rule:
    """One event type's record: ``target(event)`` is the id recorded as the target (of
    ``kind``); ``owner(event)`` the account the target belongs to."""

    event: type[ev.Event]
    name: EventName
    kind: str
    target: Callable[[Any], int]
    owner: Callable[[Any], int | None]
    data: Callable[[Any], dict[str, Any] | None] = lambda _: None
    skip: Callable[[Any], bool] = lambda _: False


def _account(event: type[ev.Event], name: EventName, other: Callable[[Any], int]) -> Rule:
    """An account-to-account record: the target is the other account."""
    return Rule(event, name, "account", other, other)


def _status(event: type[ev.Event], name: EventName) -> Rule:
    return Rule(event, name, "status", lambda e: e.status_id, lambda e: e.status_author_id)


RECORDS: tuple[Rule, ...] = (
    _account(ev.AccountCreated, "account:account:create", lambda e: e.account_id),
    _account(ev.Followed, "account:follow:create", lambda e: e.target_id),
    _account(ev.FollowRequested, "account:follow_request:create", lambda e: e.target_id),
    _account(
        ev.FollowRequestAuthorized, "account:follow_request:authorize", lambda e: e.follower_id
    ),
    _account(ev.FollowRequestRejected, "account:follow_request:reject", lambda e: e.follower_id),
    _account(ev.Blocked, "account:block:create", lambda e: e.target_id),
    _account(ev.Unblocked, "account:block:delete", lambda e: e.target_id),
    Rule(
        ev.Muted,
        "account:mute:create",
        "account",
        lambda e: e.target_id,
        lambda e: e.target_id,
        data=lambda e: {"notifications": e.notifications, "duration": e.duration},
    ),
    _account(ev.Unmuted, "account:mute:delete", lambda e: e.target_id),
    Rule(ev.StatusEdited, "post:status:update", "status", lambda e: e.status_id, lambda e: None),
    Rule(
        ev.StatusDeleted,
        "post:status:delete",
        "status",
        lambda e: e.status_id,
        lambda e: None,
        skip=lambda e: e.cascade,  # a reblog gone with what it boosted: the deletion is the record
    ),
    Rule(
        ev.StatusPinned, "interaction:pin:create", "status", lambda e: e.status_id, lambda e: None
    ),
    Rule(
        ev.StatusUnpinned, "interaction:pin:delete", "status", lambda e: e.status_id, lambda e: None
    ),
    _status(ev.Favourited, "interaction:favourite:create"),
    _status(ev.Unfavourited, "interaction:favourite:delete"),
    _status(ev.Bookmarked, "interaction:bookmark:create"),
    _status(ev.Unbookmarked, "interaction:bookmark:delete"),
    Rule(
        ev.Reblogged,
        "interaction:reblog:create",
        "status",
        lambda e: e.status_id,
        lambda e: e.status_author_id,
        data=lambda e: {"reblog_id": str(e.reblog_id)},
    ),
    _status(ev.Unreblogged, "interaction:reblog:delete"),
    Rule(
        ev.PollVoted,
        "interaction:poll:vote",
        "poll",
        lambda e: e.poll_id,
        lambda e: e.poll_author_id,
        data=lambda e: {"choices": list(e.choices)},
    ),
    Rule(
        ev.ReportFiled,
        "moderation:report:create",
        "report",
        lambda e: e.report_id,
        lambda e: e.target_account_id,
        data=lambda e: {"category": e.category},
    ),
    Rule(
        ev.ReportResolved,
        "moderation:report:resolve",
        "report",
        lambda e: e.report_id,
        lambda e: e.target_account_id,
        data=lambda e: {"action": e.action},
    ),
)


def _subscribe(rule: Rule) -> None:
    async def recorder(tx: Tx, event: Any) -> None:
        if rule.skip(event):
            return
        record(
            tx,
            rule.name,
            event.actor,
            target_type=rule.kind,
            target_id=rule.target(event),
            target_account_id=rule.owner(event),
            data=rule.data(event),
        )

    recorder.__qualname__ = f"RECORDS[{rule.name}]"
    subscribe(rule.event)(recorder)


for _rule in RECORDS:
    _subscribe(_rule)


@subscribe(ev.ProfileUpdated)
async def profile_updated(tx: Tx, event: ev.ProfileUpdated) -> None:
    """The profile itself (its owner is the target), or a personal setting (``changed``)."""
    data: dict[str, Any] | None = None
    if event.changed is not None:
        data = {"changed": event.changed}
        if event.locale is not None:
            data["locale"] = event.locale
    record(
        tx,
        "account:profile:update",
        event.actor,
        target_type="account",
        target_id=event.account_id,
        target_account_id=event.account_id if event.changed is None else None,
        data=data,
    )


@subscribe(ev.Unfollowed)
async def unfollowed(tx: Tx, event: ev.Unfollowed) -> None:
    """Unfollowing (the target is the account left) or removing a follower (the follower)."""
    if event.by_block:
        return  # the block is the record
    actor_id = event.actor.account_id if event.actor else event.follower_id
    removed = actor_id != event.follower_id
    other = event.follower_id if removed else event.target_id
    record(
        tx,
        "account:follow:delete",
        event.actor,
        target_type="account",
        target_id=other,
        target_account_id=other,
        data={"removed_follower": True} if removed else None,
    )


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
        data=_created_data(event),
    )


def _created_data(event: ev.StatusCreated) -> dict[str, Any]:
    """The visibility, and the statuses replied to and quoted (ids as strings, as JSON keeps
    them exact), so the rollups know which status a reply or a quote engages with."""
    data: dict[str, Any] = {"visibility": event.visibility}
    if event.parent_id is not None:
        data["parent_id"] = str(event.parent_id)
    if event.quoted_id is not None:
        data["quoted_id"] = str(event.quoted_id)
        data["quoted_account_id"] = str(event.quoted_author_id)
    return data
