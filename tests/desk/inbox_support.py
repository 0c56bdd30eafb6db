"""Helpers for the desk's inbox tests: a brand with a team, staff tokens acting as it, and
reads of its conversations through the desk API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import httpx

from porina.accounts import operators
from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import operate

BASE = "/api/porina/v1/desk/conversations"
AGENT = cast(operators.Role, "agent" if "agent" in operators.ROLES else "responder")
"""The role that answers conversations (named ``responder`` before the team roles' rename)."""


@dataclass
class Staff:
    """A staff member (``person``) using a token that acts as ``brand``."""

    person: Person
    brand: Person
    headers: dict[str, str]
    client: httpx.AsyncClient

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.get(path, headers=self.headers, **kw)

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.post(path, headers=self.headers, **kw)

    async def put(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.put(path, headers=self.headers, **kw)

    async def conversations(self, **params: str) -> list[dict[str, Any]]:
        response = await self.get(BASE, params={"status": "open", **params})
        assert response.status_code == 200, response.text
        body: list[dict[str, Any]] = response.json()
        return body

    async def conversation(self, cid: str) -> dict[str, Any]:
        response = await self.get(f"{BASE}/{cid}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def staff(
    services: Services, make: Factory, brand: Person, name: str, role: operators.Role = AGENT
) -> Staff:
    person = await make.person(name)
    headers = await operate(services, brand, person, role)
    return Staff(person, brand, headers, make.client)


async def brand_with_agent(services: Services, make: Factory, name: str = "cafe") -> Staff:
    """A brand account with one agent on its team (the team is what makes it a brand)."""
    brand = await make.person(name)
    return await staff(services, make, brand, f"{name}_aino")


def kinds(conversation: dict[str, Any]) -> list[str]:
    return [item["kind"] for item in conversation["items"]]
