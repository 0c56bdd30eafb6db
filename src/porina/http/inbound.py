"""Inbound HTTP: what every request to the API and the pages goes through before its handler.

``inbound`` (ASGI middleware, outermost in ``app.py``):

- **Form bodies are UTF-8.** Browsers send ``application/x-www-form-urlencoded`` in UTF-8 and
  Mastodon (Rails) reads it so, declared charset or not; ``curl -d 'status=café'`` sends the raw
  bytes. Litestar reads the raw bytes of a form as Latin-1 (and only percent-escapes as UTF-8),
  which stored "café" as "cafÃ©". The middleware percent-escapes every byte outside ASCII as it
  arrives, so every reader of the form (Litestar's CSRF check, ``request.form()`` in the API's
  ``Params`` and in the pages) decodes it as UTF-8. Each byte is escaped on its own, so chunk
  boundaries do not matter; a raw non-ASCII byte counts three towards the body size limit.
- **A path holding a NUL character names nothing**: 404, answered by the app's error handlers
  (JSON for the API, a page in the reader's language for pages), before any handler or file
  lookup sees it.

``ServedFiles``: the file system behind ``/static`` and ``/media``; a name no file can have
(too long for the file system, or under a file as if it were a folder) is "no such file", a
404, instead of a 500.
"""

from __future__ import annotations

import errno
import re
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.file_system import BaseLocalFileSystem
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from litestar.types.file_types import FileInfo

FORM = b"application/x-www-form-urlencoded"
_NON_ASCII = re.compile(rb"[\x80-\xff]")
NO_SUCH_NAME = {errno.ENAMETOOLONG, errno.ENOTDIR, errno.ELOOP}


def escape_non_ascii(data: bytes) -> bytes:
    """``b"caf\\xc3\\xa9"`` -> ``b"caf%C3%A9"``; ASCII bytes (and existing escapes) unchanged."""
    if data.isascii():
        return data
    return _NON_ASCII.sub(lambda match: b"%%%02X" % match[0][0], data)


def _is_form(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == FORM
    return False


def _utf8_body(receive: Receive) -> Receive:
    async def receive_escaped() -> ReceiveMessage:
        message = await receive()
        if message["type"] == "http.request" and message.get("body"):
            message["body"] = escape_non_ascii(message["body"])
        return message

    return receive_escaped


def inbound(app: ASGIApp) -> ASGIApp:
    """The middleware: UTF-8 form bodies; 404 for a path holding a NUL."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            if "\x00" in scope["path"]:
                raise NotFoundException()
            if _is_form(scope):
                receive = _utf8_body(receive)
        await app(scope, receive, send)

    return middleware


class ServedFiles(BaseLocalFileSystem):
    """The local file system, where a path no file can have (a name longer than the file
    system allows, a file used as a folder, a NUL) is a file that does not exist; any other
    failure (permissions, the disk) stays what it is."""

    async def info(self, path: Any, **kwargs: Any) -> FileInfo:
        try:
            return await super().info(path, **kwargs)
        except ValueError as exc:  # "embedded null byte"
            raise FileNotFoundError(str(path)) from exc
        except OSError as exc:
            if exc.errno in NO_SUCH_NAME:
                raise FileNotFoundError(str(path)) from exc
            raise
