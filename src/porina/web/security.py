"""Security headers for every HTML response: a Content-Security-Policy with no inline script
(or style) and no foreign origin, plus the usual hardening headers.

Scripts come only from ``/static`` (htmx and ``app.js``); the live stream, htmx and uploads
talk only to this origin. Pages cannot be framed, except a post's ``/embed`` view, which is
meant to be.

Every HTML response also carries ``Server-Timing: app;dur=<ms>``: the time from the request
reaching the application to the response starting (the page's whole server time, database
included), so a browser's developer tools show it next to the network timings.
"""

from __future__ import annotations

import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data: blob:",
        "media-src 'self' https: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
EMBED_POLICY = POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")

HARDENING = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    # calls (static/calls.js) use the camera and microphone on Porina's own pages, never a frame's
    (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=()"),
]


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


def server_timing(started: float) -> bytes:
    """``app;dur=12.3`` (milliseconds since ``started``)."""
    elapsed = (time.perf_counter() - started) * 1000
    return f'app;desc="page";dur={elapsed:.1f}'.encode()


def security_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware (``Litestar(middleware=[security_headers])``)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        embed = scope["path"].endswith("/embed")
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if _is_html(headers):
                    policy = EMBED_POLICY if embed else POLICY
                    headers.append((b"content-security-policy", policy.encode()))
                    headers.extend(HARDENING)
                    if not embed:
                        headers.append((b"x-frame-options", b"DENY"))
                    headers.append((b"server-timing", server_timing(started)))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
