"""A password hash or check (Argon2, ~0.1-0.25 s) never runs inside a write transaction: on
SQLite the write lock is the process's, so every other write would wait for it.

Each password entry point is stopped in the middle of its hash or check (a gate the test
opens), and meanwhile someone else's favourite, through its action, commits; then the gate
opens and the entry point finishes as it should. No clock is read: before the fix, the
favourite could not commit until the gate opened (on SQLite it waited for the write lock, and
the hang guard ends the test), and on either database a write transaction was open while the
password was hashed or checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar

from porina.accounts import passwords, recovery
from porina.accounts.models import User
from porina.interactions.actions import favourite
from porina.services import Services
from porina.storage.db import Tx
from porina.web import sessions
from tests.factories import Factory, Person
from tests.web.conftest import Browser

PASSWORD = "correct horse battery"
NEW = "a brand new password"
REDIRECT = "https://app.example/cb"


@dataclass
class Watch:
    """Stops password work once armed, until ``release``; counts open write transactions."""

    armed: bool = False
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    open_transactions: int = 0
    open_during_password_work: list[int] = field(default_factory=list)

    async def hold(self) -> None:
        if not self.armed:
            return
        self.open_during_password_work.append(self.open_transactions)
        self.reached.set()
        await self.released.wait()


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch, services: Services) -> Watch:
    watched = Watch()
    real_hash, real_verify, real_transaction = (
        passwords.hash,
        passwords.verify,
        services.db.transaction,
    )

    async def hash_(password: str) -> str:
        await watched.hold()
        return await real_hash(password)

    async def verify(hashed: str, password: str) -> bool:
        await watched.hold()
        return await real_verify(hashed, password)

    @asynccontextmanager
    async def transaction() -> AsyncIterator[Tx]:
        async with real_transaction() as tx:
            watched.open_transactions += 1
            try:
                yield tx
            finally:
                watched.open_transactions -= 1

    monkeypatch.setattr(passwords, "hash", hash_)
    monkeypatch.setattr(passwords, "verify", verify)
    monkeypatch.setattr(services.db, "transaction", transaction)
    return watched


@pytest.fixture
async def local(app: Litestar, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A client that runs the app on the test's own event loop (the shared client runs each
    request to its end on another), so a request can be stopped half-way while the test
    writes. ``client`` keeps the app started."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


@dataclass
class World:
    services: Services
    local: httpx.AsyncClient
    aino: Person

    @property
    def browser(self) -> Browser:
        return Browser(self.local)

    async def app(self) -> dict[str, Any]:
        response = await self.local.post(
            "/api/v1/apps",
            json={"client_name": "Kahviappi", "redirect_uris": REDIRECT, "scopes": "read write"},
        )
        body: dict[str, Any] = response.json()
        return body


Start = Callable[[], Awaitable[httpx.Response]]


async def api_sign_up(world: World) -> tuple[Start, int]:
    app = await world.app()
    token = await world.local.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "write",
        },
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    form = {"username": "newbie", "email": "newbie@example.com", "password": PASSWORD}

    async def start() -> httpx.Response:
        data = {**form, "agreement": "true"}
        return await world.local.post("/api/v1/accounts", data=data, headers=headers)

    return start, 200


async def web_sign_up(world: World) -> tuple[Start, int]:
    browser = world.browser
    await browser.get("/auth/sign_up")
    form = {"username": "newbie", "email": "newbie@example.com", "agreement": "1"}

    async def start() -> httpx.Response:
        passwords_typed = {"password": PASSWORD, "password_confirmation": PASSWORD}
        return await browser.post("/auth/sign_up", {**form, **passwords_typed})

    return start, 303


async def password_grant(world: World) -> tuple[Start, int]:
    app = await world.app()
    grant = {
        "grant_type": "password",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "username": "aino",
        "password": PASSWORD,
        "scope": "read",
    }

    async def start() -> httpx.Response:
        return await world.local.post("/oauth/token", data=grant)

    return start, 200


async def change_password(world: World) -> tuple[Start, int]:
    cookie = await sessions.sign_in(world.services, world.aino.user)
    world.local.cookies.set(cookie.key, cookie.value or "")
    browser = world.browser
    form = {"current_password": PASSWORD, "new_password": NEW, "new_password_confirmation": NEW}

    async def start() -> httpx.Response:
        return await browser.post("/settings/password", form)

    return start, 303


async def reset_password(world: World) -> tuple[Start, int]:
    async with world.services.db.transaction() as tx:  # the link's token, as the mail has it
        user = await tx.session.get(User, world.aino.user.id)
        assert user is not None
        token = await recovery._issue(tx, user, recovery.RESET)
    browser = world.browser
    form = {"token": token, "password": NEW, "password_confirmation": NEW}

    async def start() -> httpx.Response:
        return await browser.post("/auth/password/edit", form)

    return start, 303


ENTRY_POINTS = [api_sign_up, web_sign_up, password_grant, change_password, reset_password]


@pytest.mark.parametrize("entry_point", ENTRY_POINTS, ids=lambda f: f.__name__)
async def test_other_writes_commit_while_a_password_is_hashed_or_checked(
    entry_point: Callable[[World], Awaitable[tuple[Start, int]]],
    services: Services,
    make: Factory,
    local: httpx.AsyncClient,
    watch: Watch,
) -> None:
    aino, fan = await make.person("aino"), await make.person("fan")
    status = await aino.status("Fresh cinnamon buns at noon")
    start, expected = await entry_point(World(services, local, aino))
    watch.armed = True
    attempt = asyncio.ensure_future(start())
    try:
        await asyncio.wait_for(watch.reached.wait(), 10)
        async with asyncio.timeout(10):  # a hang guard: the favourite must not need the gate
            async with services.db.transaction() as tx:
                await favourite(tx, fan.actor, int(status["id"]))
        assert not attempt.done()  # the password work is still stopped at the gate
    finally:
        watch.released.set()
        response = await attempt
    assert response.status_code == expected, response.text
    assert watch.open_during_password_work and set(watch.open_during_password_work) == {0}
    shown = await fan.get(f"/api/v1/statuses/{status['id']}")
    assert shown.json()["favourited"] is True
