"""Headers of the files under ``/media``: what people uploaded, served back to everyone.

A file that claims to be a video and is really a web page must never run as one on Porina's
origin. Uploads are verified before they are kept (Pillow decodes images, FFmpeg's libraries
open video and audio: ``posts.media``, ``posts.probe``) and stored under an extension chosen
from what was verified. ``media_headers`` (the ``/media`` router's middleware) then answers:

- ``Content-Type`` from that extension, through the fixed table below, never from the
  upload's claim or the system's ``mime.types``; an extension not in it is
  ``application/octet-stream``.
- ``X-Content-Type-Options: nosniff``: browsers take that type and never guess another.
- ``Content-Security-Policy: default-src 'none'; form-action 'none'; sandbox``: should a file
  ever be shown as a document, it runs no script, loads nothing, submits nothing, and has an
  opaque origin (no cookies, no access to Porina's pages). Images, video and audio shown
  directly still display: the browser's own viewer needs none of it.

Errors (a missing file's 404) keep the app's own answer.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

MEDIA_TYPES: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "m4a": "audio/mp4",
    "weba": "audio/webm",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "wav": "audio/wav",
}
"""The type of each extension Porina stores media under (posts' and accounts' processing)."""
UNKNOWN = "application/octet-stream"
MEDIA_POLICY = "default-src 'none'; form-action 'none'; sandbox"
_REPLACED = {b"content-type", b"x-content-type-options", b"content-security-policy"}


def media_type(path: str) -> str:
    """The ``Content-Type`` of the stored file at ``path``, from its extension."""
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return UNKNOWN
    return MEDIA_TYPES.get(name.rsplit(".", 1)[1].lower(), UNKNOWN)


def media_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware for the ``/media`` router (``middleware=[media_headers]``)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        content_type = media_type(scope["path"]).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED
                ]
                if message["status"] < 300:
                    headers.append((b"content-type", content_type))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"content-security-policy", MEDIA_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
