"""Post jobs: closing polls when they expire, publishing scheduled statuses, processing video
and audio uploads.

All are idempotent: a job that runs twice finds the poll already closed (notifications are
deduplicated), the scheduled status already gone, or the attachment no longer processing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from sqlalchemy import select

from porina.core import cpu
from porina.core.clock import now
from porina.core.errors import PorinaError, Unprocessable
from porina.core.events import PollEnded
from porina.core.ids import parse_id
from porina.jobs import queue
from porina.jobs.events import emit
from porina.jobs.queue import JobContext
from porina.posts import actions, media_actions, polls
from porina.posts.media import ProcessedImage, process_stored
from porina.posts.models import MediaAttachment, Poll, ScheduledStatus, Status
from porina.storage.files import MediaStore

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


@queue.handler(media_actions.PROCESS_MEDIA)
async def process_media(services: JobContext, payload: dict[str, Any]) -> None:
    """Make a deferred upload's meta and preview from its stored file (in the CPU pool, no
    transaction open), then publish it. A file that no longer reads as what it is marks the
    attachment failed; anything else is retried as every job is."""
    media_id = parse_id(payload.get("media_id"))
    if media_id is None:
        return
    async with services.db.read() as session:
        media = await session.get(MediaAttachment, media_id)
    if media is None or not media.processing or media.processing_failed or not media.file_path:
        return
    settings = services.settings
    store = MediaStore.of(settings)
    work = functools.partial(
        process_stored,
        store.path_of(media.file_path),
        media.mime_type,
        with_preview=media.thumbnail_path is None,
    )
    try:
        meta, image = await cpu.run(work)
    except (Unprocessable, FileNotFoundError) as exc:
        log.warning("media %s could not be processed: %s", media_id, exc)
        async with services.db.transaction() as tx:
            await media_actions.fail_processing(tx, media_id)
        return
    preview = await _save_preview(store, image)
    try:
        async with services.db.transaction() as tx:
            unused = await media_actions.finish_processing(tx, media_id, meta, preview)
    except BaseException:
        media_actions.discard(settings, [preview[1] if preview else None])
        raise
    media_actions.discard(settings, unused)


async def _save_preview(
    store: MediaStore, image: ProcessedImage | None
) -> tuple[ProcessedImage, str] | None:
    if image is None:
        return None
    path = await asyncio.to_thread(store.save, image.data, media_actions.FOLDER, image.ext)
    return image, path
