"""Hooks other domains call when something changes that home feeds must reflect.

Each enqueues a job (``timelines/jobs.py``) inside the caller's transaction, so the feed work
is durable and runs after commit.
"""

from __future__ import annotations

from porina.jobs.queue import enqueue
from porina.posts.models import Status
from porina.storage.db import Tx
from porina.timelines import jobs
from porina.timelines.feeds import FeedContext


async def on_status_created(tx: Tx, status: Status) -> None:
    """A status or reblog was published: fan it out and stream it."""
    await enqueue(
        tx, "timelines.fanout", {"status_id": str(status.id)}, key=f"timelines.fanout:{status.id}"
    )


async def on_status_deleted(tx: Tx, status: Status) -> None:
    """A status or reblog was deleted: remove it from feeds and stream ``delete``."""
    payload = {"status_id": str(status.id), "account_id": str(status.account_id)}
    await enqueue(tx, "timelines.remove", payload, key=f"timelines.remove:{status.id}")


async def on_status_updated(tx: Tx, status: Status) -> None:
    """A status was edited: stream ``status.update``."""
    await enqueue(tx, "timelines.updated", {"status_id": str(status.id)})


async def on_follow(tx: Tx, follower_id: int, target_id: int) -> None:
    """``follower_id`` now follows ``target_id``: merge the target's recent posts into the feed."""
    payload = {"follower_id": str(follower_id), "target_id": str(target_id)}
    await enqueue(tx, "timelines.merge", payload)


async def on_unfollow(tx: Tx, follower_id: int, target_id: int) -> None:
    """Unfollow, block or mute: drop ``target_id``'s entries from ``follower_id``'s feed."""
    payload = {"follower_id": str(follower_id), "target_id": str(target_id)}
    await enqueue(tx, "timelines.unmerge", payload)


async def rebuild_home(svc: FeedContext, account_id: int) -> bool:
    """Refill an empty home feed from followed accounts' recent statuses."""
    return await jobs.rebuild_home(svc, account_id)
