"""``HEAD`` answers as ``GET`` without a body, on every route that answers ``GET`` (the API,
pages, ``/static``, ``/media``, ``/.well-known``), as Rails does for Mastodon. Clients probe
with it (for the server's time in ``Date``, or whether a file exists), and Litestar's router
answers 405 for a ``HEAD`` to a route declared with ``@get``.

``head_as_get`` wraps the app's ASGI handler, around the router (``app.asgi_handler``), since
Litestar's own middleware runs after routing: the request goes in as ``GET`` and the response
goes out with its status and headers (``Content-Length`` of the body ``GET`` would send,
``Date``, ``Link``...) and an empty body. A response that streams (server-sent events) ends
after its headers: the first chunk it sends after them stops it.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class _HeadAnswered(Exception):
    """Raised into a streaming response once its headers have been sent for a HEAD."""


def head_as_get(app: ASGIApp) -> ASGIApp:
    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope.get("method") != "HEAD":
            await app(scope, receive, send)
            return
        scope["method"] = "GET"
        finished = False

        async def send_headers_only(message: Message) -> None:
            nonlocal finished
            if finished:
                raise _HeadAnswered
            if message["type"] == "http.response.body":
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        try:
            await app(scope, receive, send_headers_only)
        except _HeadAnswered:
            pass
        finally:
            scope["method"] = "HEAD"

    return handler
