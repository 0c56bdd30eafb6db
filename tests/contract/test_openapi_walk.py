"""Every operation of the vendored OpenAPI description (Mastodon 4.7: 174 paths, 210
operations) is served: walked with a signed-in admin's token, none answers 404 for a route the
app does not have, 405, or 5xx, unless ``left_out.LEFT_OUT`` names it with the reason.

Path parameters name real objects where the walk makes them (the admin's own account, a status
of theirs, a list) and a record that does not exist elsewhere; a 404 from a route the app has
(``has_route``) is then "Record not found", the right answer. Streams are probed with HEAD,
which ends them after their headers."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar

from ..factories import Factory
from ..support.openapi import document
from ..support.routes import has_route
from .left_out import LEFT_OUT

ADMIN_SCOPES = "read write follow push admin:read admin:write"
METHODS = ("get", "post", "put", "patch", "delete")
NONEXISTENT = {"hashtag": "nosuchtag", "name": "nosuchname", "date": "2001-01-01", "year": "2001"}
_PARAM = re.compile(r"\{(\w+)\}")


def operations() -> list[tuple[str, str]]:
    paths = document()["paths"]
    return [(m.upper(), p) for p, item in paths.items() for m in METHODS if m in item]


def fill(path: str, real: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1]
        for prefix, known in real.items():
            if path.startswith(prefix) and name in ("id", "account_id"):
                return known
        return NONEXISTENT.get(name, "1")

    return _PARAM.sub(value, path)


async def _answer(client: httpx.AsyncClient, method: str, url: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if url.startswith("/api/v1/streaming") and method == "GET":
        return await client.head(url, headers=headers)
    if method in ("POST", "PUT", "PATCH"):
        return await client.request(method, url, headers=headers, json={})
    return await client.request(method, url, headers=headers)


def _verdict(app: Litestar, method: str, path: str, response: httpx.Response) -> str | None:
    status = response.status_code
    if status == 405:
        return "405"
    if status >= 500:
        return f"{status} {response.text[:120]}"
    if status == 404 and not has_route(app, method, path) and "streaming" not in path:
        return "404, no route"
    return None


async def test_every_operation_of_the_description_is_served_or_left_out_with_a_reason(
    app: Litestar, client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person("walker", role="admin", scopes=ADMIN_SCOPES)
    status = await admin.status("walked")
    real = {"/api/v1/accounts/{id}": admin.id, "/api/v1/statuses/{id}": status["id"]}
    ops = operations()
    assert len(ops) == 210
    failures = []
    for method, path in ops:
        key = f"{method} {path}"
        response = await _answer(client, method, fill(path, real), admin.token)
        verdict = _verdict(app, method, path, response)
        if verdict and key not in LEFT_OUT:
            failures.append(f"{key}: {verdict}")
    assert not failures, "not served (add to left_out.py with a reason, or serve):\n" + "\n".join(
        failures
    )


def test_everything_left_out_is_in_the_description_with_a_reason() -> None:
    known = {f"{m} {p}" for m, p in operations()}
    assert set(LEFT_OUT) <= known, sorted(set(LEFT_OUT) - known)
    assert all(reason.strip() for reason in LEFT_OUT.values())


def test_the_walk_fills_path_parameters() -> None:
    real = {"/api/v1/accounts/{id}": "42"}
    assert fill("/api/v1/accounts/{id}/follow", real) == "/api/v1/accounts/42/follow"
    assert fill("/api/v1/tags/{hashtag}", real) == "/api/v1/tags/nosuchtag"
