"""Every password entry point is throttled per address and per account: wrong passwords past
the limit are refused with a 429 (Mastodon's JSON at ``/oauth/token``, a page in the reader's
language on the web) before any password is checked; an unknown Bearer token buys no bucket
of its own; an attacker's guesses never lock the owner out.

Requests come from chosen addresses: ``Addressed`` sets the ASGI client address from a
test-only header, as a proxy-aware server sets it from the connection. The throttle's clock is
the test's, so the end of a window is reached without waiting."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from porina.accounts import passwords
from porina.app import create_app
from porina.services import Services, build
from porina.settings import Settings
from tests.factories import Factory, Person
from tests.support.world import truncate_pg
from tests.web.conftest import HTML, Browser, sign_in_as

PASSWORD = "correct horse battery"
REDIRECT = "https://app.example/cb"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
PER_ADDRESS = 6
PER_ACCOUNT = 3


class Addressed:
    """The app, seen from the address in the ``x-test-address`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            for name, value in scope["headers"]:
                if name == b"x-test-address":
                    scope["client"] = (value.decode(), 40000)
        await self.app(scope, receive, send)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0  # the start of an hour, so windows begin together

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    services: Services
    client: httpx.AsyncClient
    make: Factory
    clock: Clock
    checks: list[str]


@pytest.fixture
async def world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    if settings.database_url.startswith("postgresql"):
        await truncate_pg(settings.database_url)
    limited = replace(
        settings,
        rate_limits=True,
        login_attempts_per_address=PER_ADDRESS,
        login_attempts_per_account=PER_ACCOUNT,
    )
    svc = build(limited, pooled=not settings.database_url.startswith("postgresql"))
    clock = Clock()
    svc.login_throttle.clock = clock
    checks: list[str] = []
    real = passwords.verify

    async def spy(hashed: str, password: str) -> bool:
        checks.append(hashed)
        return await real(hashed, password)

    monkeypatch.setattr(passwords, "verify", spy)
    app: Any = Addressed(create_app(services=svc))
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        yield World(svc, client, Factory(svc, client), clock, checks)
    await svc.stop()


Attempt = Callable[[str, str, str], Awaitable[httpx.Response]]


async def entry_points(client: httpx.AsyncClient) -> dict[str, Attempt]:
    """login, password, address -> the response, at each sign-in entry point."""
    app = (
        await client.post(
            "/api/v1/apps",
            json={"client_name": "Kahviappi", "redirect_uris": REDIRECT, "scopes": "read"},
        )
    ).json()
    browsers: dict[str, Browser] = {}

    def browser(address: str) -> Browser:
        if address not in browsers:
            fresh = httpx.AsyncClient(
                transport=client._transport,  # the same app, a browser of its own
                base_url="http://testserver.local",
                headers={"x-test-address": address},
            )
            browsers[address] = Browser(fresh)
        return browsers[address]

    async def web(login: str, password: str, address: str) -> httpx.Response:
        return await browser(address).post("/auth/sign_in", {"login": login, "password": password})

    async def consent(login: str, password: str, address: str) -> httpx.Response:
        request = {
            "client_id": app["client_id"],
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "read",
        }
        form = {**request, "login": login, "password": password}
        return await browser(address).post("/oauth/authorize", form)

    async def token(login: str, password: str, address: str) -> httpx.Response:
        grant = {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": login,
            "password": password,
            "scope": "read",
        }
        return await client.post("/oauth/token", data=grant, headers={"x-test-address": address})

    return {"web": web, "consent": consent, "token": token}


SIGNED_IN = {"web": 303, "consent": 200, "token": 200}
WRONG = {"web": 401, "consent": 401, "token": 400}
ENTRY_POINTS = list(SIGNED_IN)


def assert_throttled(name: str, response: httpx.Response) -> None:
    assert response.status_code == 429, (name, response.status_code)
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-RateLimit-Remaining"] == "0"
    if name == "token":
        assert response.json() == {"error": "Too many requests"}
        assert response.headers["X-RateLimit-Limit"] in {str(PER_ACCOUNT), str(PER_ADDRESS)}
    else:
        assert "Too many failed password attempts. Try again in" in response.text


@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_wrong_passwords_past_the_limit_are_refused_without_a_check(
    world: World, name: str
) -> None:
    await world.make.person("alice")
    attempt = (await entry_points(world.client))[name]
    statuses = [(await attempt("alice", f"guess{n}", ATTACKER)).status_code for n in range(12)]
    assert statuses == [WRONG[name]] * PER_ACCOUNT + [429] * (12 - PER_ACCOUNT)
    assert len(world.checks) == PER_ACCOUNT  # a refused guess costs no password check
    assert_throttled(name, await attempt("alice", PASSWORD, ATTACKER))  # even the right one


@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_an_address_guessing_many_logins_is_refused_past_its_own_limit(
    world: World, name: str
) -> None:
    attempt = (await entry_points(world.client))[name]
    statuses = [
        (await attempt(f"user{n}@example.com", "guess", ATTACKER)).status_code for n in range(40)
    ]
    assert statuses.count(429) == 40 - PER_ADDRESS
    assert statuses[:PER_ADDRESS] == [WRONG[name]] * PER_ADDRESS
    assert len(world.checks) == PER_ADDRESS


async def test_the_refusal_page_speaks_the_readers_language(world: World) -> None:
    await world.make.person("alice")
    for _ in range(PER_ACCOUNT + 1):
        response = await Browser(world.client).post(
            "/auth/sign_in",
            {"login": "alice", "password": "guess"},
            headers={**HTML, "accept-language": "fi", "x-test-address": ATTACKER},
        )
    assert response.status_code == 429
    assert "Liian monta väärää salasanaa. Yritä uudelleen" in response.text
    assert re.search(r"\d+ minuutin päästä", response.text)


@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_the_owner_signs_in_from_their_own_address_while_the_attacker_is_throttled(
    world: World, name: str
) -> None:
    await world.make.person("alice")
    attempt = (await entry_points(world.client))[name]
    for n in range(PER_ACCOUNT + 5):
        await attempt("alice", f"guess{n}", ATTACKER)
    assert (await attempt("alice", "guess", ATTACKER)).status_code == 429
    assert (await attempt("alice", PASSWORD, OWNER)).status_code == SIGNED_IN[name]
    assert (await attempt("alice@example.com", PASSWORD, OWNER)).status_code == SIGNED_IN[name]


@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_the_right_password_works_again_once_the_window_has_passed(
    world: World, name: str
) -> None:
    await world.make.person("alice")
    attempt = (await entry_points(world.client))[name]
    for n in range(PER_ACCOUNT):
        assert (await attempt("alice", f"guess{n}", ATTACKER)).status_code == WRONG[name]
    refused = await attempt("alice", PASSWORD, ATTACKER)
    assert_throttled(name, refused)
    world.clock.now += int(refused.headers["Retry-After"])
    assert (await attempt("alice", PASSWORD, ATTACKER)).status_code == SIGNED_IN[name]


async def test_a_right_password_gives_its_attempt_back(world: World) -> None:
    await world.make.person("alice")
    attempt = (await entry_points(world.client))["token"]
    for _ in range(3 * PER_ADDRESS):  # many more sign-ins than the limits
        assert (await attempt("alice", PASSWORD, OWNER)).status_code == 200
    for n in range(PER_ACCOUNT):
        assert (await attempt("alice", f"typo{n}", OWNER)).status_code == 400
    assert (await attempt("alice", "typo", OWNER)).status_code == 429


async def test_random_bearer_tokens_do_not_escape_the_address_bucket(
    settings: Settings,
) -> None:
    if settings.database_url.startswith("postgresql"):
        await truncate_pg(settings.database_url)
    svc = build(
        replace(settings, rate_limits=True, rate_limit_per_5min=5),
        pooled=not settings.database_url.startswith("postgresql"),
    )
    app: Any = Addressed(create_app(services=svc))
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        alice = await Factory(svc, client).person("alice")

        async def instance(address: str, token: str) -> httpx.Response:
            headers = {"x-test-address": address, "Authorization": f"Bearer {token}"}
            return await client.get("/api/v1/instance", headers=headers)

        made_up = [secrets.token_urlsafe(32) for _ in range(8)]
        statuses = [(await instance(ATTACKER, token)).status_code for token in made_up]
        assert statuses == [200] * 5 + [429] * 3
        refused = await client.get("/api/v1/instance", headers={"x-test-address": ATTACKER})
        assert refused.status_code == 429  # the same bucket as anonymous requests
        assert refused.json() == {"error": "Too many requests"}
        # A real token keeps its own budget, from the same address.
        assert (await instance(ATTACKER, alice.token)).status_code == 200
        assert (await instance(OWNER, made_up[0])).status_code == 200  # another address
        # The same at /oauth/token, where the review escaped the limit this way.
        third = {"x-test-address": "192.0.2.99"}
        tokens = []
        for token in made_up[:6]:
            headers = {**third, "Authorization": f"Bearer {token}"}
            tokens.append(await client.post("/oauth/token", data={}, headers=headers))
        assert [r.status_code for r in tokens] == [400] * 5 + [429]
        assert tokens[-1].json() == {"error": "Too many requests"}
    await svc.stop()


async def test_a_password_change_is_throttled_on_the_account(world: World) -> None:
    alice = await world.make.person("alice")
    await sign_in_as(world.services, world.client, alice)
    browser = Browser(world.client)

    async def change(current: str) -> httpx.Response:
        new = "a brand new password"
        form = {"current_password": current, "new_password": new, "new_password_confirmation": new}
        return await browser.post("/settings/password", form, headers={"x-test-address": OWNER})

    statuses = [(await change(f"guess{n}")).status_code for n in range(PER_ACCOUNT + 2)]
    assert statuses == [422] * PER_ACCOUNT + [429, 429]
    refused = await change(PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed password attempts" in refused.text
    assert len(world.checks) == PER_ACCOUNT
    still = await _signed_in_with(world, alice, PASSWORD)
    assert still.status_code == 200  # the old password was never changed


async def _signed_in_with(world: World, person: Person, password: str) -> httpx.Response:
    app = (
        await world.client.post(
            "/api/v1/apps",
            json={"client_name": "Tarkistin", "redirect_uris": REDIRECT, "scopes": "read"},
        )
    ).json()
    grant = {
        "grant_type": "password",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "username": person.username,
        "password": password,
        "scope": "read",
    }
    return await world.client.post("/oauth/token", data=grant, headers={"x-test-address": "?"})
