"""Rate limits as Mastodon applies them, with X-RateLimit-* headers and a 429 in its shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from litestar.testing import AsyncTestClient

from porina.app import create_app
from porina.services import Services, build
from porina.settings import Settings
from tests.factories import Factory


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[tuple[Services, httpx.AsyncClient]]:
    svc = build(
        replace(settings, rate_limits=True, rate_limit_per_5min=5, media_limit_per_30min=2),
        pooled=not settings.database_url.startswith("postgresql"),
    )
    async with AsyncTestClient(create_app(services=svc), base_url="http://testserver.local") as c:
        yield svc, c
    await svc.stop()


async def test_responses_carry_rate_limit_headers_and_the_sixth_request_is_refused(
    limited: tuple[Services, httpx.AsyncClient],
) -> None:
    _, client = limited
    remaining = []
    for _ in range(5):
        response = await client.get("/api/v2/instance")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "5"
        assert response.headers["X-RateLimit-Reset"].endswith("Z")
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    refused = await client.get("/api/v2/instance")
    assert refused.status_code == 429
    assert refused.json() == {"error": "Too many requests"}
    assert refused.headers["X-RateLimit-Remaining"] == "0"


async def test_each_account_has_its_own_budget(
    limited: tuple[Services, httpx.AsyncClient],
) -> None:
    svc, client = limited
    make = Factory(svc, client)
    alice = await make.person()
    bob = await make.person()
    for _ in range(5):
        assert (await alice.get("/api/v1/accounts/verify_credentials")).status_code == 200
    assert (await alice.get("/api/v1/accounts/verify_credentials")).status_code == 429
    assert (await bob.get("/api/v1/accounts/verify_credentials")).status_code == 200


async def test_pages_and_static_files_are_not_rate_limited(
    limited: tuple[Services, httpx.AsyncClient],
) -> None:
    _, client = limited
    for _ in range(8):
        assert (await client.get("/static/porina.css")).status_code == 200
