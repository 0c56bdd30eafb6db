"""A brand with its team for the calendar tests: the café, a manager, an agent and an analyst,
each with a token acting as the brand (``tests.desk.inbox_support.staff``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from porina.services import Services
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory, Person

DRAFTS = "/api/porina/v1/drafts"
CALENDAR = "/api/porina/v1/calendar"


@dataclass
class Team:
    brand: Person
    manager: Staff
    agent: Staff
    analyst: Staff


async def team(services: Services, make: Factory, name: str = "kahvila") -> Team:
    brand = await make.person(name)
    return Team(
        brand=brand,
        manager=await staff(services, make, brand, f"{name}_mari", "manager"),
        agent=await staff(services, make, brand, f"{name}_aino", "agent"),
        analyst=await staff(services, make, brand, f"{name}_olli", "analyst"),
    )


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def draft(who: Staff, text: str = "Glögi is back!", **fields: Any) -> dict[str, Any]:
    return ok(await who.post(DRAFTS, json={"status": text, **fields}))


async def step(who: Staff, draft_id: str, action: str, **body: Any) -> httpx.Response:
    return await who.post(f"{DRAFTS}/{draft_id}/{action}", json=body)
