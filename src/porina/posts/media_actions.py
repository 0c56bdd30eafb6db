"""Media attachment writers: upload, describe, delete, and attach to a status.

Processing (``posts.media``) is CPU work and happens before the write transaction, in the CPU
pool (``core.cpu``), so no database lock is held while an image or a video frame is decoded.
Files are written first; if the transaction then fails, the caller removes them with
``discard``. A deleted attachment's files go only after the delete has committed.

A deferred upload (``store_upload(..., defer=True)``: video and audio through
``POST /api/v2/media``) is verified at once and recorded ``processing``, without a url; the
job ``posts.process_media`` queued with it makes its meta and preview and then
``finish_processing`` publishes it (or ``fail_processing`` marks it failed).

Attaching media to a status is part of posting (``posts.actions``), which copies
``posts.actions.media_json`` onto the status.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from porina.core import cpu
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.jobs import queue
from porina.posts.media import (
    THUMBNAIL_MAX_SIDE,
    ProcessedImage,
    ProcessedMedia,
    check_description,
    process_image,
    process_upload,
)
from porina.posts.models import MediaAttachment
from porina.settings import Settings
from porina.storage.db import Tx
from porina.storage.files import MediaStore

FOLDER = "media_attachments"
PROCESS_MEDIA = "posts.process_media"


class MediaNotFound(NotFound):
    code = "media_not_found"


class MediaProcessingFailed(Unprocessable):
    """Mastodon's answer for an attachment whose processing failed."""

    code = "media_processing_failed"

    def __init__(self) -> None:
        super().__init__("Error processing thumbnail for uploaded media")


def check_not_failed(media: MediaAttachment) -> MediaAttachment:
    if media.processing_failed:
        raise MediaProcessingFailed()
    return media


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """An upload processed and written to the media folder, not yet recorded."""

    processed: ProcessedMedia
    file_path: str
    thumbnail_path: str | None

    @property
    def paths(self) -> list[str]:
        return [p for p in (self.file_path, self.thumbnail_path) if p]


async def store_upload(
    settings: Settings, data: bytes, thumbnail: bytes | None = None, *, defer: bool = False
) -> StoredUpload:
    """Process ``data`` (and a custom thumbnail) off the event loop and write the files. With
    ``defer``, video and audio are only verified: their meta and preview come from the job."""
    processed = await cpu.run(
        functools.partial(
            process_upload,
            data,
            max_image_bytes=settings.max_image_bytes,
            max_video_bytes=settings.max_video_bytes,
            thumbnail=thumbnail,
            defer=defer,
        )
    )
    store = MediaStore.of(settings)
    file_path = await asyncio.to_thread(store.save, processed.data, FOLDER, processed.ext)
    thumb = None
    if processed.preview is not None:
        thumb = await asyncio.to_thread(
            store.save, processed.preview.data, FOLDER, processed.preview.ext
        )
    return StoredUpload(processed, file_path, thumb)


async def store_thumbnail(settings: Settings, data: bytes) -> tuple[ProcessedImage, str]:
    """A replacement thumbnail (``PUT /media/:id`` with ``thumbnail``), processed and written."""
    image = await asyncio.to_thread(process_image, data, max_side=THUMBNAIL_MAX_SIDE)
    path = await asyncio.to_thread(MediaStore.of(settings).save, image.data, FOLDER, image.ext)
    return image, path


def discard(settings: Settings, paths: Sequence[str | None]) -> None:
    store = MediaStore.of(settings)
    for path in paths:
        store.delete(path)


def _with_focus(meta: dict[str, Any], focus: tuple[float, float] | None) -> dict[str, Any]:
    out = dict(meta)
    if focus is not None:
        out["focus"] = {"x": focus[0], "y": focus[1]}
    return out


async def create_media(
    tx: Tx,
    actor: Actor,
    stored: StoredUpload,
    *,
    description: str | None = None,
    focus: tuple[float, float] | None = None,
) -> MediaAttachment:
    """Record an uploaded file as the actor's unattached media."""
    check_description(description)
    p = stored.processed
    media = MediaAttachment(
        id=new_id(),
        account_id=actor.account_id,
        type=p.type,
        mime_type=p.mime_type,
        file_path=stored.file_path,
        thumbnail_path=stored.thumbnail_path,
        file_size=len(p.data),
        meta=_with_focus(p.meta, focus if p.type == "image" else None),
        description=description or None,
        blurhash=p.blurhash,
        focus_x=focus[0] if focus else 0.0,
        focus_y=focus[1] if focus else 0.0,
        processing=p.processing,
        created_at=now(),
    )
    tx.session.add(media)
    await tx.session.flush()
    if p.processing:
        await queue.enqueue(tx, PROCESS_MEDIA, {"media_id": str(media.id)}, key=f"media:{media.id}")
    return media


async def finish_processing(
    tx: Tx, media_id: int, meta: dict[str, Any], preview: tuple[ProcessedImage, str] | None
) -> list[str]:
    """Publish a processed upload: its meta (keeping a focal point or custom thumbnail set
    meanwhile) and its preview. Returns the files nothing uses (to delete after commit): the
    new preview when the attachment is gone, done, or got a thumbnail of its own meanwhile."""
    media = await tx.session.get(MediaAttachment, media_id, with_for_update=True)
    unused = [preview[1]] if preview else []
    if media is None or not media.processing or media.processing_failed:
        return unused
    before = media.meta or {}
    meta = {k: v for k, v in meta.items() if k != "small"}
    if preview is not None and media.thumbnail_path is None:
        image, path = preview
        media.thumbnail_path, media.blurhash = path, image.blurhash
        meta["small"] = image.meta()
        unused = []
    elif "small" in before:
        meta["small"] = before["small"]
    if "focus" in before:
        meta["focus"] = before["focus"]
    media.meta = meta
    media.processing = False
    await tx.session.flush()
    return unused


async def fail_processing(tx: Tx, media_id: int) -> None:
    """Mark an upload whose processing found it unusable; it keeps no url."""
    media = await tx.session.get(MediaAttachment, media_id, with_for_update=True)
    if media is not None and media.processing:
        media.processing_failed = True
        await tx.session.flush()


async def own_media(
    tx: Tx, actor: Actor, media_id: int | None, *, for_update: bool
) -> MediaAttachment:
    media = None
    if media_id is not None:
        media = await tx.session.get(MediaAttachment, media_id, with_for_update=for_update)
    if media is None or media.account_id != actor.account_id:
        raise MediaNotFound()
    return media


async def update_media(
    tx: Tx,
    actor: Actor,
    media_id: int | None,
    *,
    description: str | None = None,
    focus: tuple[float, float] | None = None,
    thumbnail: tuple[ProcessedImage, str] | None = None,
) -> tuple[MediaAttachment, str | None]:
    """Change an unattached attachment's description, focal point or thumbnail. Returns the
    attachment and the thumbnail path it no longer uses (to delete after commit)."""
    media = await own_media(tx, actor, media_id, for_update=True)
    if media.status_id is not None:
        raise MediaNotFound()
    check_not_failed(media)
    if description is not None:
        media.description = check_description(description) or None
    meta = dict(media.meta or {})
    if focus is not None:
        media.focus_x, media.focus_y = focus
        meta = _with_focus(meta, focus)
    old_thumb = None
    if thumbnail is not None:
        image, path = thumbnail
        old_thumb, media.thumbnail_path = media.thumbnail_path, path
        meta["small"] = image.meta()
        if media.type != "image":
            media.blurhash = image.blurhash
    if old_thumb == media.file_path:
        old_thumb = None
    media.meta = meta
    await tx.session.flush()
    return media, old_thumb


async def delete_media(tx: Tx, actor: Actor, media_id: int | None) -> None:
    """Delete an attachment that no status uses; its files go once the delete commits."""
    media = await own_media(tx, actor, media_id, for_update=True)
    if media.status_id is not None:
        raise Unprocessable("Media attachment is currently used by a status", code="media_in_use")
    paths = [media.file_path, media.thumbnail_path]
    await tx.session.delete(media)
    await tx.session.flush()
    settings = tx.settings

    async def remove_files() -> None:
        await asyncio.to_thread(discard, settings, paths)

    tx.after_commit(remove_files)
