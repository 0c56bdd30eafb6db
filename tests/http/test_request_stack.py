"""The request stack: each route passes only the middleware it needs (issue 14, point 2).

API, OAuth token, health, well-known and nodeinfo responses are not cookie-authenticated, so
they neither read nor set a cookie (no CSRF token, no session); pages keep their CSRF cookie,
refuse a form post without its token, and carry the page security headers."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

from tests.factories import Factory

HTML = {"accept": "text/html,application/xhtml+xml"}


def _middleware_of(app: Litestar, path: str) -> list[str]:
    """The names of the middleware a request to ``path`` passes, outermost first (Litestar
    builds each route's stack at start-up from the app's, its router's and its own)."""
    for route in app.routes:
        if route.path == path:
            handler: Any = route.route_handlers[0]  # type: ignore[union-attr]
            stack = reversed(handler.resolve_middleware())
            return [_name(m) for m in stack]
    raise AssertionError(f"no route {path}")


def _name(middleware: Any) -> str:
    defined = getattr(middleware, "middleware", None)  # DefineMiddleware(cls, ...)
    named = defined or middleware
    return getattr(named, "__name__", None) or type(named).__name__


async def test_health_api_and_well_known_responses_set_no_cookie(
    client: httpx.AsyncClient, make: Factory
) -> None:
    alice = await make.person("alice")
    signed = {"authorization": f"Bearer {alice.token}"}
    answers = [
        await client.get("/health"),
        await client.get("/health", headers=HTML),
        await client.get("/api/v1/instance"),
        await client.get("/api/v2/instance", headers=HTML),
        await client.get("/api/v1/timelines/public"),
        await client.get("/api/v1/accounts/verify_credentials", headers=signed),
        await client.get("/api/v1/statuses/1"),  # an error answer too
        await client.post("/oauth/token", data={"grant_type": "password"}),
        await client.get("/.well-known/nodeinfo"),
        await client.get("/nodeinfo/2.0"),
    ]
    for response in answers:
        assert "set-cookie" not in response.headers, (response.url, response.headers)
        assert "content-security-policy" not in response.headers, response.url
    assert client.cookies.get("porina_csrf") is None
    assert answers[0].json() == {"status": "ok"}


async def test_api_and_plain_answers_are_never_sniffed(client: httpx.AsyncClient) -> None:
    """Mastodon sends ``X-Content-Type-Options: nosniff`` on API answers: a JSON body that
    echoes client text is never read by a browser as HTML."""
    for path in ("/api/v1/instance", "/api/v1/timelines/public", "/health", "/nodeinfo/2.0"):
        response = await client.get(path)
        assert response.headers.get("x-content-type-options") == "nosniff", path


async def test_a_page_still_sets_the_csrf_cookie_and_a_form_without_it_is_refused(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/about", headers=HTML)
    assert "porina_csrf=" in page.headers.get("set-cookie", "")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    refused = await client.post("/lang", data={"lang": "fi"}, headers=HTML)
    assert refused.status_code == 403
    token = client.cookies.get("porina_csrf") or ""
    accepted = await client.post(
        "/lang", data={"lang": "fi", "_csrf_token": token}, headers=HTML, follow_redirects=False
    )
    assert accepted.status_code == 303


async def test_each_route_passes_only_the_middleware_it_needs(app: Litestar) -> None:
    assert _middleware_of(app, "/health") == ["inbound"]
    assert _middleware_of(app, "/.well-known/nodeinfo") == ["inbound"]
    api = _middleware_of(app, "/api/v1/timelines/home")
    assert api == ["inbound", "error_language", "RateLimitMiddleware"]
    page = _middleware_of(app, "/about")
    assert page[:3] == ["inbound", "security_headers", "page_locale"]
    assert "CSRFMiddleware" in page
