"""Factories: people and their content, made through the same actions and API the app uses."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx

from porina.accounts.actions import NewAccount, create_account, hashed, issue_token
from porina.accounts.models import Account, User
from porina.accounts.passwords import hash_blocking
from porina.core.actor import Actor
from porina.services import Services

_counter = itertools.count(1)

PASSWORD = "correct horse battery"
"""Every person's password, unless a test gives its own."""


@cache
def password_hash(password: str = PASSWORD) -> str:
    """The Argon2 hash of ``password``, made once per process with the app's own function and
    parameters (signing in with the password works): a hash costs ~0.2 s of CPU on purpose,
    and every test makes people."""
    return hash_blocking(password)


@dataclass
class Person:
    account: Account
    user: User
    token: str
    client: httpx.AsyncClient
    extra_ids: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.account.id)

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def actor(self) -> Actor:
        """This person acting as themself, for calling actions directly."""
        return Actor(account_id=self.account.id, user_id=self.user.id)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.get(path, headers=self.headers, **kw)

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.post(path, headers=self.headers, **kw)

    async def put(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.put(path, headers=self.headers, **kw)

    async def patch(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.patch(path, headers=self.headers, **kw)

    async def delete(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.delete(path, headers=self.headers, **kw)

    async def status(self, text: str = "hello", **fields: Any) -> dict[str, Any]:
        """Post a status through the API and return its JSON."""
        response = await self.post("/api/v1/statuses", json={"status": text, **fields})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def follow(self, other: Person) -> dict[str, Any]:
        response = await self.post(f"/api/v1/accounts/{other.id}/follow")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


class Factory:
    def __init__(self, services: Services, client: httpx.AsyncClient) -> None:
        self.services = services
        self.client = client

    async def person(
        self, username: str | None = None, *, scopes: str = "read write follow push", **fields: Any
    ) -> Person:
        name = username or f"person{next(_counter)}"
        fields.setdefault("password", PASSWORD)
        if "password_hash" not in fields:
            fields["password_hash"] = password_hash(fields["password"])
        new = await hashed(NewAccount(username=name, email=f"{name}@example.com", **fields))
        async with self.services.db.transaction() as tx:
            account, user = await create_account(tx, new)
            token, _ = await issue_token(tx, user=user, app_id=None, scopes=scopes)
        return Person(account, user, token, self.client)
