"""Post jobs: closing polls when they expire, publishing scheduled statuses.

Both are idempotent: a job that runs twice finds the poll already closed (notifications are
deduplicated) or the scheduled status already gone.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from porina.core.clock import now
from porina.core.errors import PorinaError
from porina.core.events import PollEnded
from porina.core.ids import parse_id
from porina.jobs import queue
from porina.jobs.events import emit
from porina.jobs.queue import JobContext
from porina.posts import actions, polls
from porina.posts.models import Poll, ScheduledStatus, Status

log = logging.getLogger(__name__)


@queue.handler(polls.POLL_EXPIRED)
async def poll_expired(services: JobContext, payload: dict[str, Any]) -> None:
    """Close the poll and tell its author and every voter that it has ended."""
    poll_id = parse_id(payload.get("poll_id"))
    if poll_id is None:
        return
    async with services.db.transaction() as tx:
        poll = await tx.session.scalar(select(Poll).where(Poll.id == poll_id))
        if poll is None or poll.expires_at is None or poll.expires_at > now():
            return  # deleted, or edited to end later (that edit queued its own job)
        status = await tx.session.get(Status, poll.status_id)
        if status is None or status.deleted_at is not None:
            return
        if poll.closed_at is None:
            poll.closed_at = poll.expires_at
        ended = PollEnded(
            poll_id=poll.id,
            status_id=poll.status_id,
            poll_author_id=poll.account_id,
            ended_at=poll.expires_at.isoformat(),
        )
        await emit(tx, ended)


@queue.handler(actions.PUBLISH_SCHEDULED)
async def publish_scheduled(services: JobContext, payload: dict[str, Any]) -> None:
    """Publish a scheduled status as its account. A status that can no longer be posted
    (its reply target deleted, its media gone) is dropped, as Mastodon does."""
    scheduled_id = parse_id(payload.get("scheduled_status_id"))
    if scheduled_id is None:
        return
    try:
        async with services.db.transaction() as tx:
            await actions.publish_scheduled(tx, scheduled_id)
    except PorinaError as exc:
        log.warning("dropping scheduled status %s: %s", scheduled_id, exc.message)
        async with services.db.transaction() as tx:
            row = await tx.session.get(ScheduledStatus, scheduled_id)
            if row is not None:
                await tx.session.delete(row)
