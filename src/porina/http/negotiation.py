"""Content negotiation on the web pages' own URLs, as Mastodon: ``/@NAME`` and ``/@NAME/ID``
answer the ActivityStreams document (the actor, the post) to a request that accepts
``application/activity+json`` or ``application/ld+json``, and the HTML page to anything else.

``activity_paths`` wraps the app's ASGI handler, around the router (``app.asgi_handler``, as
``head.head_as_get``), since Litestar's middleware runs after routing: such a request is
routed to the document's own route (``/users/NAME``, ``/users/NAME/statuses/ID``), which
does everything the document needs (signatures, authorized fetch, who may see a post). Only
local names are taken (``NAME`` without a domain); a remote account's page (``/@bo@elsewhere``)
has no document here. Both answers of a negotiated URL carry ``Vary: Accept``, so a cache in
front keeps them apart.
"""

from __future__ import annotations

import re

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_PAGE = re.compile(r"^/@([A-Za-z0-9_]{1,64})(?:/([0-9]{1,20}))?$")
_VARY = (b"vary", b"Accept")


def wants_activity(scope: Scope) -> bool:
    """Whether the request's ``Accept`` names an ActivityStreams type."""
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            accept = value.lower()
            return b"application/activity+json" in accept or b"application/ld+json" in accept
    return False


def document_path(path: str) -> str | None:
    """The document's route for a page's path, or ``None`` when it is not a local actor's or
    post's page: ``/@aino`` -> ``/users/aino``, ``/@aino/12`` -> ``/users/aino/statuses/12``."""
    match = _PAGE.match(path)
    if match is None:
        return None
    name, status_id = match.groups()
    return f"/users/{name}" + (f"/statuses/{status_id}" if status_id else "")


def _vary(send: Send) -> Send:
    async def send_varied(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            if not any(name.lower() == b"vary" for name, _ in headers):
                headers.append(_VARY)
            message["headers"] = headers
        await send(message)

    return send_varied


def activity_paths(app: ASGIApp) -> ASGIApp:
    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not scope["path"].startswith("/@"):
            await app(scope, receive, send)
            return
        target = document_path(scope["path"])
        if target is None:
            await app(scope, receive, send)
            return
        if wants_activity(scope):
            scope["path"] = target
            scope["raw_path"] = target.encode()
        await app(scope, receive, _vary(send))

    return handler
