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

It also answers byte ranges (RFC 9110 §14), which the static router does not: video players
seek with them, and Safari plays no video without them. One range of a file (``bytes=a-b``,
``bytes=a-``, ``bytes=-n``) is a 206 with ``Content-Range``; a range that starts past the end
is a 416 with ``Content-Range: bytes */size``; several ranges, or an ``If-Range`` that is not
the file's ``Last-Modified``, get the whole file (a server may ignore ``Range``). Every
answer says ``Accept-Ranges: bytes``.

Errors (a missing file's 404) keep the app's own answer.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

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
_REPLACED = {
    b"content-type",
    b"x-content-type-options",
    b"content-security-policy",
    b"accept-ranges",
}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 256 * 1024
"""Bytes read from disk (in a thread) and sent at a time."""


def media_type(path: str) -> str:
    """The ``Content-Type`` of the stored file at ``path``, from its extension."""
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return UNKNOWN
    return MEDIA_TYPES.get(name.rsplit(".", 1)[1].lower(), UNKNOWN)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of the one range ``header`` asks of ``size`` bytes; ``None`` when the
    header is not one satisfiable-looking range (serve the whole file). ``(size, size - 1)``
    when it starts past the end (416)."""
    match = _RANGE.fullmatch(header.strip())
    if match is None or not (match[1] or match[2]):
        return None
    if not match[1]:  # the last n bytes
        length = int(match[2])
        return (size, size - 1) if length == 0 else (max(size - length, 0), size - 1)
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    if match[2] and int(match[2]) < first:
        return None
    return (size, size - 1) if first >= size else (first, last)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _stored_file(media_dir: Path, path: str) -> Path | None:
    """The regular file under ``media_dir`` that ``/media/...`` names, or ``None``."""
    relative = path.removeprefix("/media/")
    if "\x00" in relative or any(part in ("", ".", "..") for part in relative.split("/")):
        return None
    file = media_dir / relative
    try:
        resolved = file.resolve(strict=True)
        resolved.relative_to(media_dir.resolve())
    except (OSError, ValueError):
        return None
    return resolved if resolved.is_file() else None


def _modified(file: Path) -> str:
    return formatdate(file.stat().st_mtime, usegmt=True)


async def _send_range(send: Send, file: Path, first: int, last: int, size: int) -> None:
    base = [
        (b"content-type", media_type(str(file)).encode()),
        (b"accept-ranges", b"bytes"),
        (b"last-modified", _modified(file).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", MEDIA_POLICY.encode()),
    ]
    if first >= size:
        headers = [*base, (b"content-range", f"bytes */{size}".encode())]
        await send({"type": "http.response.start", "status": 416, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    length = last - first + 1
    headers = [
        *base,
        (b"content-range", f"bytes {first}-{last}/{size}".encode()),
        (b"content-length", str(length).encode()),
    ]
    await send({"type": "http.response.start", "status": 206, "headers": headers})
    with file.open("rb") as handle:
        handle.seek(first)
        left = length
        while left > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
    if left > 0:  # the file shrank under us: end the body
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _answer_range(scope: Scope, send: Send, media_dir: Path) -> bool:
    """Answered a one-range request for a stored file; ``False`` leaves it to the router."""
    wanted = _header(scope, b"range")
    if wanted is None or scope.get("method") != "GET":
        return False
    file = _stored_file(media_dir, scope["path"])
    if file is None:
        return False
    condition = _header(scope, b"if-range")
    if condition is not None and condition.strip() != _modified(file):
        return False
    size = os.stat(file).st_size
    bounds = byte_range(wanted, size)
    if bounds is None:
        return False
    await _send_range(send, file, bounds[0], bounds[1], size)
    return True


def media_headers(media_dir: Path) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware for the ``/media`` router (``middleware=[media_headers(media_dir)]``)."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            if await _answer_range(scope, send, media_dir):
                return
            content_type = media_type(scope["path"]).encode()

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start" and message["status"] < 400:
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED
                    ]
                    if message["status"] < 300:
                        headers.append((b"content-type", content_type))
                        headers.append((b"accept-ranges", b"bytes"))
                    headers.append((b"x-content-type-options", b"nosniff"))
                    headers.append((b"content-security-policy", MEDIA_POLICY.encode()))
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, send_with_headers)

        return middleware

    return wrap
