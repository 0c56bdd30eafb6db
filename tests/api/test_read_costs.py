"""Read endpoints every client calls often answer from the process's caches and prebuilt
statements: a warm request costs a pinned number of statements (issue 14, item 3), and what
it answers is still what a fresh read would say."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

import httpx
import pytest

from porina.api.mastodon import instance
from porina.services import Services

from ..factories import Factory


async def _cost(services: Services, request: Callable[[], Awaitable[httpx.Response]]) -> int:
    """Statements one request ran, without the test client's look for due jobs after it."""
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response = await request()
    assert response.status_code == 200, response.text
    return services.db.query_count - before - drain


async def test_a_warm_instance_request_reads_nothing(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("alice")
    for path in ("/api/v1/instance", "/api/v2/instance"):
        first = await client.get(path)
        assert await _cost(services, lambda path=path: client.get(path)) == 0, path
        assert (await client.get(path)).json() == first.json()


async def test_instance_statistics_are_read_again_when_their_copy_is_old(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make.person("alice")
    assert (await client.get("/api/v1/instance")).json()["stats"]["user_count"] == 1
    await make.person("bob")
    # within STATS_SECONDS the copy answers; once it is older, the counts are read again
    assert (await client.get("/api/v1/instance")).json()["stats"]["user_count"] == 1
    monkeypatch.setattr(instance, "STATS_SECONDS", 0.0)
    assert (await client.get("/api/v1/instance")).json()["stats"]["user_count"] == 2
    v2 = (await client.get("/api/v2/instance")).json()
    assert v2["usage"]["users"]["active_month"] >= 0


async def test_a_changed_setting_shows_in_the_instance_at_once(
    services: Services, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/api/v2/instance")).json()["title"] != "Kahvila"
    services.settings = dataclasses.replace(services.settings, instance_title="Kahvila")
    for path in ("/api/v1/instance", "/api/v2/instance"):
        assert (await client.get(path)).json()["title"] == "Kahvila", path


async def test_verify_credentials_warm_is_one_statement_and_equals_update_credentials(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    changed = await alice.patch(
        "/api/v1/accounts/update_credentials",
        data={
            "display_name": "Alice A",
            "note": "Hello *there*",
            "locked": "true",
            "source[privacy]": "unlisted",
            "source[language]": "fi",
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://example.com",
        },
    )
    assert changed.status_code == 200, changed.text
    await bob.follow(alice)  # a request: alice is locked
    services.status_cache.clear()
    path = "/api/v1/accounts/verify_credentials"
    assert await _cost(services, lambda: alice.get(path)) == 2  # the row, then the rendering
    assert await _cost(services, lambda: alice.get(path)) == 1
    mine = (await alice.get(path)).json()
    assert mine["source"]["follow_requests_count"] == 1
    assert mine["source"]["privacy"] == "unlisted" and mine["source"]["language"] == "fi"
    assert mine["source"]["fields"][0]["value"] == "https://example.com"
    same = (await alice.patch("/api/v1/accounts/update_credentials", data={})).json()
    assert mine == same


async def test_verify_credentials_shows_a_profile_change_at_once(make: Factory) -> None:
    alice = await make.person("alice")
    path = "/api/v1/accounts/verify_credentials"
    assert (await alice.get(path)).json()["display_name"] != "Uusi nimi"
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Uusi nimi"})
    assert (await alice.get(path)).json()["display_name"] == "Uusi nimi"
