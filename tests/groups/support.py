"""Helpers for the groups' tests: the API's calls, each asserting it succeeded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from porina.notifications.models import Notification
from porina.posts.models import Status
from porina.services import Services
from tests.factories import Person

GROUPS = "/api/porina/v1/groups"


async def create(
    owner: Person, name: str, privacy: str = "public", **fields: Any
) -> dict[str, Any]:
    response = await owner.post(GROUPS, json={"name": name, "privacy": privacy, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def join(person: Person, group: dict[str, Any]) -> dict[str, Any]:
    response = await person.post(f"{GROUPS}/{group['id']}/join")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def post_in(
    person: Person, group: dict[str, Any], text: str, **fields: Any
) -> dict[str, Any]:
    return await person.status(text, porina_group_id=group["id"], **fields)


async def timeline(person: Person, group: dict[str, Any], **params: Any) -> list[str]:
    response = await person.get(f"{GROUPS}/{group['id']}/timeline", params=params)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


async def notified(services: Services, account_id: str) -> int:
    """How many mentions ``account_id`` was notified of, shown or not."""
    async with services.db.read() as session:
        found = select(func.count()).where(
            Notification.account_id == int(account_id), Notification.type == "mention"
        )
        return int(await session.scalar(found) or 0)


async def count_statuses(services: Services) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Status)) or 0)
