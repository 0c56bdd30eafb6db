"""Media attachment writers: upload, describe, delete, and attach to a status.

Processing (``posts.media``) is CPU work and happens before the write transaction, in a
thread, so no database lock is held while an image is decoded. Files are written first; if the
transaction then fails, the caller removes them with ``discard``. A deleted attachment's files
go only after the delete has committed.

Attaching media to a status is part of posting (``posts.actions``), which copies
``posts.actions.media_json`` onto the status.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
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


class MediaNotFound(NotFound):
    code = "media_not_found"


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
    settings: Settings, data: bytes, thumbnail: bytes | None = None
) -> StoredUpload:
    """Process ``data`` (and a custom thumbnail) off the event loop and write the files."""
    processed = await asyncio.to_thread(
        process_upload,
        data,
        max_image_bytes=settings.max_image_bytes,
        max_video_bytes=settings.max_video_bytes,
        thumbnail=thumbnail,
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
        processing=False,
        created_at=now(),
    )
    tx.session.add(media)
    await tx.session.flush()
    return media


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
