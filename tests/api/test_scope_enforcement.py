"""Scopes are enforced on every endpoint: a token without a write scope changes nothing,
whatever route it calls, and is told so with a 403 in Mastodon's shape."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar

from tests.factories import Factory

# Routes a token without write scopes may legitimately call with POST.
OPEN_WRITES = {
    ("POST", "/api/v1/apps"),  # registering an app needs no token
    ("POST", "/api/v1/accounts"),  # sign-up uses an app token (checked in the OAuth tests)
    # Mastodon authorizes translating with read:statuses: it writes nothing
    ("POST", "/api/v1/statuses/{status_id:str}/translate"),
    # a newsletter sign-up is public (no token at all), as the form on a business's own site
    ("POST", "/api/porina/v1/newsletter/lists/{list_id:str}/subscribe"),
    # mail providers report bounces with the shared webhook secret, not a token
    ("POST", "/api/porina/v1/newsletter/webhooks/bounces"),
}


def _write_routes(app: Litestar) -> list[tuple[str, str]]:
    routes = []
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for method in getattr(route, "methods", ()):
            if (
                method in {"POST", "PUT", "PATCH", "DELETE"}
                and (method, route.path) not in OPEN_WRITES
            ):
                routes.append((method, route.path))
    return sorted(set(routes))


async def test_a_read_only_token_is_refused_by_every_writing_route(
    app: Litestar, client: httpx.AsyncClient, make: Factory
) -> None:
    reader = await make.person(scopes="read")
    other = await make.person()
    writer = await make.person()
    post = await writer.status("something to act on")
    ids = {"account": other.id, "status": post["id"]}
    routes = _write_routes(app)
    assert len(routes) > 50
    wrong = []
    for method, template in routes:
        path = re.sub(
            r"\{(\w+)(:\w+)?\}",
            lambda m: ids["account"] if "account" in m.group(1) else ids["status"],
            template,
        )
        response = await client.request(method, path, headers=reader.headers)
        if response.status_code != 403 or "error" not in response.json():
            wrong.append(f"{method} {template} -> {response.status_code}")
    assert wrong == []


# Reads Mastodon answers for any caller whatever its scopes, and reads that need a write scope.
OPEN_READS = re.compile(
    r"^/api/v[12]/(instance|custom_emojis|announcements|trends|directory|apps/verify_credentials"
    r"|streaming/health|bench)|^/api/v1/streaming$|^/api/oembed$"
    # Mastodon guards every media route, reads included, with write:media
    r"|^/api/v1/media/"
)


async def test_a_write_only_token_cannot_read_private_data(
    app: Litestar, client: httpx.AsyncClient, make: Factory
) -> None:
    poster = await make.person(scopes="write")
    other = await make.person()
    post = await other.status("hello")
    routes = sorted(
        {
            route.path
            for route in app.routes
            if route.path.startswith("/api/")
            and "GET" in getattr(route, "methods", ())
            and not OPEN_READS.search(route.path)
            and "streaming" not in route.path
        }
    )
    wrong = []
    for template in routes:
        path = re.sub(
            r"\{(\w+)(:\w+)?\}",
            lambda m: other.id if "account" in m.group(1) else post["id"],
            template,
        )
        response = await client.get(path, headers=poster.headers)
        if response.status_code != 403:
            wrong.append(f"GET {template} -> {response.status_code}")
    assert wrong == []
