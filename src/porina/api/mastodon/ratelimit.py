"""Rate limits with ``X-RateLimit-*`` headers, defaulting to Mastodon's (300 per 5 minutes
per account, or per address when unauthenticated; 30 media uploads per 30 minutes).

A request counts against its token's bucket only when the token is valid (looked up as the
handler would, through the token cache); one with an unknown or revoked token counts against
its address, as an anonymous one does, so random ``Authorization`` headers buy no fresh
buckets. An address is an IPv4 address or an IPv6 /64 (``accounts.throttle.address_key``).
Failed passwords have a limit of their own (``accounts/throttle.py``); newsletter sign-ups
(public, by address, API and form alike) theirs: ``SIGNUP_LIMIT`` per 5 minutes. A mail
provider calling the bounce webhook with the right shared secret is not limited (a large
campaign's bounces come in bursts, and a provider may drop what it cannot deliver); a wrong
or missing secret counts against the address like any anonymous call, so guessing it is.

Counters are fixed windows in memory; with several ``serve`` processes each keeps its own
(the limit is then per process), which errs on the permissive side.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from porina.accounts.throttle import address_key
from porina.accounts.tokens import digest as token_hash
from porina.api.mastodon.auth import load_viewer

WINDOW = 300
MEDIA_WINDOW = 1800
SIGNUP_LIMIT = 20
"""Newsletter sign-ups per address (never per token: the call is public) per ``WINDOW``: the
API's ``POST /api/porina/v1/newsletter/lists/:id/subscribe`` and the sign-up form's POSTs
(``/newsletter/:id``, ``/newsletter/:id/embed``) share one bucket."""
SIGNUP = re.compile(
    r"^(/api/porina/v1/newsletter/lists/[^/]+/subscribe|/newsletter/\d+(/embed)?)/?$"
)


BOUNCE_WEBHOOK = "/api/porina/v1/newsletter/webhooks/bounces"


def _webhook_with_secret(scope: Scope, settings: Any) -> bool:
    """A call of the bounce webhook carrying PORINA_BOUNCE_WEBHOOK_SECRET (header or query)."""
    expected = settings.bounce_webhook_secret
    if not expected or scope["path"].rstrip("/") != BOUNCE_WEBHOOK:
        return False
    given = next(
        (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-porina-webhook-secret"),
        None,
    )
    if given is None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("secret") or [""])[0]
    return hmac.compare_digest(given.encode(), expected.encode())


class Counter:
    def __init__(self) -> None:
        self._hits: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, window: int) -> tuple[int, int]:
        """Count a request; returns (count in the window, window end as a Unix time)."""
        moment = int(time.time())
        start = moment - moment % window
        count, began = self._hits.get(key, (0, start))
        if began != start:
            count = 0
            if len(self._hits) > 100_000:
                self._hits.clear()
        count += 1
        self._hits[key] = (count, start)
        return count, start + window


class RateLimitMiddleware(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]

    def __init__(self) -> None:
        self.counter = Counter()

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path: str = scope["path"]
        settings = scope["app"].state.services.settings
        signup = scope.get("method") == "POST" and SIGNUP.match(path) is not None
        limited = signup or path.startswith(("/api/", "/oauth/"))
        if not settings.rate_limits or not limited or _webhook_with_secret(scope, settings):
            await next_app(scope, receive, send)
            return
        key, limit, window = await self._bucket(scope, settings, signup)
        count, reset = self._counter(scope).hit(key, window)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - count)),
            "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(reset)),
        }
        if count > limit:
            await _refuse(send, headers)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableScopeHeaders.from_message(message)
                for name, value in headers.items():
                    if name not in mutable:  # a login throttle's refusal names its own limit
                        mutable[name] = value
            await send(message)

        await next_app(scope, receive, send_with_headers)

    def _counter(self, scope: Scope) -> Counter:
        """The app's one counter: Litestar builds a route group's middleware per route, so
        the first instance to count for an app lends it its counter (the API's buckets and
        the pages' — ``/oauth/authorize``, the newsletter's sign-up form — are one)."""
        state = scope["app"].state
        found = state.get("porina_rate_counter")
        if not isinstance(found, Counter):
            found = state["porina_rate_counter"] = self.counter
        return found

    async def _bucket(self, scope: Scope, settings: Any, signup: bool) -> tuple[str, int, int]:
        if signup:
            client = scope.get("client")
            return "signup:ip:" + address_key(client[0] if client else None), SIGNUP_LIMIT, WINDOW
        headers: MutableMapping[str, str] = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
        }
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        valid = token and await load_viewer(scope["app"].state.services, token) is not None
        who = "t:" + token_hash(token) if valid else ""
        if not who:
            client = scope.get("client")
            who = "ip:" + address_key(client[0] if client else None)
        is_media = scope.get("method") == "POST" and scope["path"].rstrip("/") in {
            "/api/v1/media",
            "/api/v2/media",
        }
        if is_media:
            return "media:" + who, settings.media_limit_per_30min, MEDIA_WINDOW
        return who, settings.rate_limit_per_5min, WINDOW


async def _refuse(send: Send, headers: dict[str, str]) -> None:
    body = msgspec.json.encode({"error": "Too many requests"})
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 429,
        "headers": raw,
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)
