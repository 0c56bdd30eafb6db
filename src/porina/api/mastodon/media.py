"""``/api/v1/media`` and ``/api/v2/media``: upload, read, describe and delete attachments.

Every upload is verified while the client waits: images are decoded and re-encoded, video and
audio opened with FFmpeg's libraries as what their bytes claim (``posts.probe``); what is not
is a 422. Then, as in Mastodon:

- ``POST /api/v1/media`` processes everything at once: 200 with the finished attachment.
- ``POST /api/v2/media``: images likewise (200); video and audio answer **202** with
  ``url: null`` and are processed by a job (meta, a preview from the first picture).
- ``GET /api/v1/media/:id`` and ``PUT`` answer **206** while processing, 200 once done, and
  422 ``Error processing thumbnail for uploaded media`` if processing failed.

Every route needs ``write:media``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, post, put
from litestar.datastructures import UploadFile

from porina.api.mastodon import auth
from porina.api.mastodon.auth import Viewer, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.errors import PayloadTooLarge, Unprocessable
from porina.core.ids import parse_id
from porina.posts import media_actions as actions
from porina.posts.actions import media_json
from porina.posts.media import check_description, parse_focus
from porina.posts.models import MediaAttachment
from porina.render import entities as e
from porina.render.renderer import Renderer
from porina.settings import Settings

SCOPE = "write:media"
BODY_LIMIT = 256 * 1024 * 1024
"""The hard cap on an upload request; the per-type limits come from settings."""
FORM_SLACK = 1024 * 1024
"""Room for the multipart framing, description and thumbnail beyond the largest file."""


def _actor(viewer: Viewer) -> Actor:
    return Actor(viewer.require_account(), viewer.user_id, viewer.app_id, viewer.operated)


def _check_length(request: Request[Any, Any, Any], settings: Settings) -> None:
    limit = max(settings.max_image_bytes, settings.max_video_bytes) + FORM_SLACK
    raw = request.headers.get("content-length", "")
    if raw.isdigit() and int(raw) > limit:
        raise PayloadTooLarge("Validation failed: File file size is too large")


async def _read(upload: UploadFile | None) -> bytes | None:
    if upload is None:
        return None
    data = await upload.read()
    await upload.close()
    return data


def _entity(settings: Settings, media: MediaAttachment) -> e.MediaAttachment:
    return Renderer(settings).media(media_json(media))


def _answer(settings: Settings, media: MediaAttachment) -> Response[e.MediaAttachment]:
    """The attachment: 206 while it is processing, 200 once done (Mastodon's show/update)."""
    return Response(_entity(settings, media), status_code=206 if media.processing else 200)


async def _upload(request: Request[Any, Any, Any], *, defer: bool) -> MediaAttachment:
    viewer = await auth.require(request, SCOPE)
    svc = services_of(request)
    _check_length(request, svc.settings)
    params = await Params.of(request)
    description = check_description(params.str("description"))
    focus = parse_focus(params.str("focus"))
    data = await _read(params.file("file"))
    if not data:
        raise Unprocessable("Validation failed: File can't be blank")
    thumbnail = await _read(params.file("thumbnail"))
    stored = await actions.store_upload(svc.settings, data, thumbnail or None, defer=defer)
    try:
        async with svc.db.transaction() as tx:
            media = await actions.create_media(
                tx, _actor(viewer), stored, description=description, focus=focus
            )
    except BaseException:
        actions.discard(svc.settings, stored.paths)
        raise
    return media


@post("/api/v1/media", status_code=200, request_max_body_size=BODY_LIMIT)
async def upload_v1(request: Request[Any, Any, Any]) -> e.MediaAttachment:
    media = await _upload(request, defer=False)
    return _entity(services_of(request).settings, media)


@post("/api/v2/media", status_code=200, request_max_body_size=BODY_LIMIT)
async def upload_v2(request: Request[Any, Any, Any]) -> Response[e.MediaAttachment]:
    media = await _upload(request, defer=True)
    status = 202 if media.processing else 200
    return Response(_entity(services_of(request).settings, media), status_code=status)


@get("/api/v1/media/{media_id:str}")
async def show(request: Request[Any, Any, Any], media_id: str) -> Response[e.MediaAttachment]:
    viewer = await auth.require(request, SCOPE)
    svc = services_of(request)
    async with svc.db.read() as session:
        media = await session.get(MediaAttachment, parse_id(media_id) or 0)
    # Only the owner's attachments no status uses yet, as Mastodon (a posted one is the
    # status's: edit it through PUT /api/v1/statuses/:id's media_attributes).
    if media is None or media.account_id != viewer.account_id or media.status_id is not None:
        raise actions.MediaNotFound()
    actions.check_not_failed(media)
    return _answer(svc.settings, media)


@put("/api/v1/media/{media_id:str}", request_max_body_size=BODY_LIMIT)
async def update(request: Request[Any, Any, Any], media_id: str) -> Response[e.MediaAttachment]:
    viewer = await auth.require(request, SCOPE)
    svc = services_of(request)
    _check_length(request, svc.settings)
    params = await Params.of(request)
    description = check_description(params.str("description"))
    focus = parse_focus(params.str("focus"))
    raw_thumb = await _read(params.file("thumbnail"))
    thumb = await actions.store_thumbnail(svc.settings, raw_thumb) if raw_thumb else None
    try:
        async with svc.db.transaction() as tx:
            media, old_thumb = await actions.update_media(
                tx,
                _actor(viewer),
                parse_id(media_id),
                description=description,
                focus=focus,
                thumbnail=thumb,
            )
    except BaseException:
        actions.discard(svc.settings, [thumb[1] if thumb else None])
        raise
    actions.discard(svc.settings, [old_thumb])
    return _answer(svc.settings, media)


@delete("/api/v1/media/{media_id:str}", status_code=200)
async def destroy(request: Request[Any, Any, Any], media_id: str) -> Response[dict[str, Any]]:
    viewer = await auth.require(request, SCOPE)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        await actions.delete_media(tx, _actor(viewer), parse_id(media_id))
    return Response({}, status_code=200)


ROUTES = [upload_v1, upload_v2, show, update, destroy]
