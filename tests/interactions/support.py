"""Statuses, favourites and tags for notification, conversation, report and tag tests, written
by the real actions so every subscriber (notifications, conversations, feeds) runs as it does
for a person; follows, blocks and mutes go through the API."""

from __future__ import annotations

import re
from typing import Any

from porina.interactions import actions as interactions
from porina.interactions.tags import find_or_create
from porina.posts.actions import NewStatus, create_status
from porina.posts.models import Tag
from porina.services import Services

from ..factories import Person


def spelled(text: str, mention: tuple[Person, ...] = (), tags: tuple[str, ...] = ()) -> str:
    """``text`` with each mention and hashtag it does not spell yet, as a person would type."""
    words = [f"@{p.username}" for p in mention] + [f"#{name}" for name in tags]
    missing = [w for w in words if not re.search(rf"{re.escape(w)}\b", text, re.IGNORECASE)]
    return " ".join([text, *missing])


async def post(
    services: Services,
    author: Person,
    text: str = "hello",
    *,
    visibility: str = "public",
    mention: tuple[Person, ...] = (),
    thread_of: int | None = None,
    tag: Tag | None = None,
) -> int:
    """A status by ``author`` (a reply when ``thread_of``), through ``create_status``: the
    mentioned are notified, a direct one updates conversations; background jobs settle."""
    new = NewStatus(
        text=spelled(text, mention, (tag.display_name,) if tag else ()),
        visibility=visibility,
        in_reply_to_id=thread_of,
    )
    async with services.db.transaction() as tx:
        status = await create_status(tx, author.actor, new)
    await services.runner.drain()
    return status.id


async def favourite(services: Services, who: Person, status_id: int) -> None:
    """``who`` favourites the status (its author is notified)."""
    async with services.db.transaction() as tx:
        await interactions.favourite(tx, who.actor, status_id)
    await services.runner.drain()


async def follow(services: Services, who: Person, target: Person) -> None:
    """``who`` follows ``target`` through the API (the real action and its notification)."""
    response = await who.post(f"/api/v1/accounts/{target.id}/follow")
    assert response.status_code == 200, response.text


async def block(services: Services, who: Person, target: Person) -> None:
    response = await who.post(f"/api/v1/accounts/{target.id}/block")
    assert response.status_code == 200, response.text


async def mute(services: Services, who: Person, target: Person, *, notifications: bool) -> None:
    response = await who.post(
        f"/api/v1/accounts/{target.id}/mute", json={"notifications": notifications}
    )
    assert response.status_code == 200, response.text


async def tag(services: Services, name: str) -> Tag:
    """The hashtag ``name``, as posting or following it would create it."""
    async with services.db.transaction() as tx:
        return await find_or_create(tx, name)


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [str(item["id"]) for item in items]
