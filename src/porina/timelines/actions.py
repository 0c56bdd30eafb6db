"""Hooks other domains call when something changes that home feeds must reflect.

Each enqueues a job (``timelines/jobs.py``) inside the caller's transaction, so the feed work
is durable and runs after commit.
"""

from __future__ import annotations

from porina.posts.models import Status
from porina.storage.db import Tx


async def on_status_created(tx: Tx, status: Status) -> None:
    """A status or reblog was published: fan it out and stream it."""


async def on_status_deleted(tx: Tx, status: Status) -> None:
    """A status or reblog was deleted: remove it from feeds and stream ``delete``."""


async def on_status_updated(tx: Tx, status: Status) -> None:
    """A status was edited: stream ``status.update``."""


async def on_follow(tx: Tx, follower_id: int, target_id: int) -> None:
    """``follower_id`` now follows ``target_id``: merge the target's recent posts into the feed."""


async def on_unfollow(tx: Tx, follower_id: int, target_id: int) -> None:
    """Unfollow, block or mute: drop ``target_id``'s entries from ``follower_id``'s feed."""
