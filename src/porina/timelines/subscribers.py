"""Home feeds and streams from domain events: durable jobs after commit.

Each subscriber is a job of its own (``timelines.on_*``), so a slow fan-out never holds the
action's transaction and a crash after commit loses nothing; the work itself is in
``timelines/jobs.py`` and is idempotent. A status's fan-out and removal are queued under the
keys ``timelines.fanout:{id}`` and ``timelines.remove:{id}`` (the benchmark watches the first).
"""

from __future__ import annotations

from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.storage.db import Tx
from porina.streaming import publish
from porina.timelines import jobs
from porina.timelines.feeds import FeedContext


@subscribe(ev.StatusCreated)
async def publish_public(tx: Tx, event: ev.StatusCreated) -> None:
    """A public status is announced on the public and hashtag streams as soon as it commits,
    not after the home fan-out job: those streams read no feed, and each stream still checks
    who may see it (blocks, mutes, filters) when it renders. A status received from another
    server goes to the remote streams instead of the local ones."""
    channels = jobs.channels_of_public(event.visibility, event.tags, local=event.local)
    publish.after_commit_many(tx, channels, "update", status_id=event.status_id)


@subscribe(
    ev.StatusCreated,
    job="timelines.on_status_created",
    key=lambda e: f"timelines.fanout:{e.status_id}",
)
async def status_created(ctx: FeedContext, event: ev.StatusCreated) -> None:
    await jobs.fanout(ctx, {"status_id": str(event.status_id)})


@subscribe(
    ev.Reblogged, job="timelines.on_reblogged", key=lambda e: f"timelines.fanout:{e.reblog_id}"
)
async def reblogged(ctx: FeedContext, event: ev.Reblogged) -> None:
    await jobs.fanout(ctx, {"status_id": str(event.reblog_id)})


@subscribe(ev.StatusEdited, job="timelines.on_status_edited")
async def status_edited(ctx: FeedContext, event: ev.StatusEdited) -> None:
    await jobs.updated(ctx, {"status_id": str(event.status_id)})


@subscribe(
    ev.StatusDeleted,
    job="timelines.on_status_deleted",
    key=lambda e: f"timelines.remove:{e.status_id}",
)
async def status_deleted(ctx: FeedContext, event: ev.StatusDeleted) -> None:
    payload = {"status_id": str(event.status_id), "account_id": str(event.author_id)}
    await jobs.remove(ctx, payload)


@subscribe(
    ev.Unreblogged,
    job="timelines.on_unreblogged",
    key=lambda e: f"timelines.remove:{e.reblog_id}",
)
async def unreblogged(ctx: FeedContext, event: ev.Unreblogged) -> None:
    payload = {"status_id": str(event.reblog_id), "account_id": str(event.reblogger_id)}
    await jobs.remove(ctx, payload)


async def _merge(ctx: FeedContext, follower_id: int, target_id: int) -> None:
    await jobs.merge(ctx, {"follower_id": str(follower_id), "target_id": str(target_id)})


async def _unmerge(ctx: FeedContext, follower_id: int, target_id: int) -> None:
    await jobs.unmerge(ctx, {"follower_id": str(follower_id), "target_id": str(target_id)})


@subscribe(ev.Followed, job="timelines.on_followed")
async def followed(ctx: FeedContext, event: ev.Followed) -> None:
    """The followed account's recent posts join the follower's feed."""
    await _merge(ctx, event.follower_id, event.target_id)


@subscribe(ev.FollowRequestAuthorized, job="timelines.on_follow_authorized")
async def follow_authorized(ctx: FeedContext, event: ev.FollowRequestAuthorized) -> None:
    await _merge(ctx, event.follower_id, event.target_id)


@subscribe(ev.Unfollowed, job="timelines.on_unfollowed")
async def unfollowed(ctx: FeedContext, event: ev.Unfollowed) -> None:
    await _unmerge(ctx, event.follower_id, event.target_id)


@subscribe(ev.Blocked, job="timelines.on_blocked")
async def blocked(ctx: FeedContext, event: ev.Blocked) -> None:
    """The blocked account's posts leave the blocker's feed (the follows both ways ended
    with their own ``Unfollowed``)."""
    await _unmerge(ctx, event.account_id, event.target_id)


@subscribe(ev.Muted, job="timelines.on_muted")
async def muted(ctx: FeedContext, event: ev.Muted) -> None:
    await _unmerge(ctx, event.account_id, event.target_id)
