"""Helpers for page tests: a browser-like client signed in through the real session cookie."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from porina.services import Services
from porina.web import sessions
from tests.factories import Factory, Person

HTML = {"accept": "text/html,application/xhtml+xml"}


class Browser:
    """Form posts carry the CSRF token from the page, as a browser's would."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        kw.setdefault("follow_redirects", False)
        return await self.client.get(path, headers={**HTML, **kw.pop("headers", {})}, **kw)

    def token(self) -> str:
        return self.client.cookies.get("porina_csrf") or ""

    async def post(
        self, path: str, data: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        if not self.token():
            await self.get("/about")
        body = {"_csrf_token": self.token(), **(data or {})}
        kw.setdefault("follow_redirects", False)
        return await self.client.post(
            path, data=body, headers={**HTML, **kw.pop("headers", {})}, **kw
        )

    async def htmx(self, path: str, data: dict[str, Any] | None = None) -> httpx.Response:
        if not self.token():
            await self.get("/about")
        return await self.client.post(
            path,
            data=data or {},
            headers={**HTML, "hx-request": "true", "x-csrftoken": self.token()},
        )


@pytest.fixture
def browser(client: httpx.AsyncClient) -> Browser:
    return Browser(client)


async def sign_in_as(services: Services, client: httpx.AsyncClient, person: Person) -> None:
    cookie = await sessions.sign_in(services, person.user)
    client.cookies.set(cookie.key, cookie.value or "")


@pytest.fixture
def signed_in(services: Services, client: httpx.AsyncClient) -> Any:
    async def go(person: Person) -> Browser:
        await sign_in_as(services, client, person)
        return Browser(client)

    return go


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


__all__ = ["Browser", "Factory", "text_of"]
