"""Counts that changed, announced on the ``counts`` channel after commit.

A like, boost or reply changes a status's counters and a follow changes an account's follower
count; the web stream (``web/stream.py``) re-reads the numbers for the pages that show them,
coalesced per status, and checks who may see the status. Messages carry ids only:
``{"event": "status", "status_id": ...}``, ``{"event": "account", "account_id": ...}`` and
``{"event": "gone", "status_id": ...}`` (a deleted status: the stream looks up the post it
replied to, whose reply count went down; a deleted boost announces the boosted post).
"""

from __future__ import annotations

from porina.core.events import (
    Favourited,
    Followed,
    FollowRequestAuthorized,
    Reblogged,
    StatusCreated,
    StatusDeleted,
    Unfavourited,
    Unfollowed,
    Unreblogged,
)
from porina.jobs.events import subscribe
from porina.storage.db import Tx
from porina.streaming.publish import after_commit

CHANNEL = "counts"


def _status(tx: Tx, status_id: int) -> None:
    after_commit(tx, CHANNEL, "status", status_id=status_id)


def _account(tx: Tx, account_id: int) -> None:
    after_commit(tx, CHANNEL, "account", account_id=account_id)


@subscribe(Favourited)
async def favourited(tx: Tx, event: Favourited) -> None:
    _status(tx, event.status_id)


@subscribe(Unfavourited)
async def unfavourited(tx: Tx, event: Unfavourited) -> None:
    _status(tx, event.status_id)


@subscribe(Reblogged)
async def reblogged(tx: Tx, event: Reblogged) -> None:
    _status(tx, event.status_id)


@subscribe(Unreblogged)
async def unreblogged(tx: Tx, event: Unreblogged) -> None:
    _status(tx, event.status_id)


@subscribe(StatusCreated, when=lambda event: event.parent_id is not None)
async def replied(tx: Tx, event: StatusCreated) -> None:
    if event.parent_id is not None:
        _status(tx, event.parent_id)


@subscribe(StatusDeleted, when=lambda event: not event.cascade)
async def deleted(tx: Tx, event: StatusDeleted) -> None:
    if event.reblog_of_id is not None:
        _status(tx, event.reblog_of_id)
    else:
        after_commit(tx, CHANNEL, "gone", status_id=event.status_id)


@subscribe(Followed)
async def followed(tx: Tx, event: Followed) -> None:
    _account(tx, event.target_id)


@subscribe(FollowRequestAuthorized)
async def follow_authorized(tx: Tx, event: FollowRequestAuthorized) -> None:
    _account(tx, event.target_id)


@subscribe(Unfollowed)
async def unfollowed(tx: Tx, event: Unfollowed) -> None:
    _account(tx, event.target_id)
