"""Statuses, follows and favourites for timeline tests, through the real actions (posting,
boosting, deleting, favouriting) and the API (follows, mutes, blocks); each helper lets the
background jobs (fan-out, streaming) settle before it returns."""

from __future__ import annotations

from typing import Any

from porina.core.actor import Actor
from porina.interactions import actions as interactions
from porina.posts.actions import NewStatus, create_status, delete_status
from porina.services import Services

from ..factories import Person
from ..interactions.support import spelled
from ..posts.support import media as upload


async def post(
    services: Services,
    author: Person,
    text: str = "hello",
    *,
    visibility: str = "public",
    tags: tuple[str, ...] = (),
    mention: tuple[Person, ...] = (),
    reply_to: dict[str, Any] | None = None,
    reblog_of: dict[str, Any] | None = None,
    media: bool = False,
) -> dict[str, Any]:
    """A status by ``author`` (a boost of ``reblog_of``, which ignores the rest); the tags and
    mentions are spelled in its text. Returns ``{"id": ..., "account_id": ...}``."""
    media_ids = [int(await upload(services, author))] if media else []
    async with services.db.transaction() as tx:
        if reblog_of is not None:
            status = await interactions.reblog(tx, author.actor, int(reblog_of["id"]))
        else:
            new = NewStatus(
                text=spelled(text, mention, tags),
                visibility=visibility,
                in_reply_to_id=int(reply_to["id"]) if reply_to else None,
                media_ids=media_ids,
            )
            status = await create_status(tx, author.actor, new)
    await services.runner.drain()
    return {"id": str(status.id), "account_id": author.id}


async def delete(services: Services, status: dict[str, Any]) -> None:
    """Its author deletes ``status``."""
    async with services.db.transaction() as tx:
        await delete_status(tx, Actor(account_id=int(status["account_id"])), int(status["id"]))
    await services.runner.drain()


async def follow(
    services: Services, follower: Person, target: Person, *, show_reblogs: bool = True
) -> None:
    """Follow through the API; the client lets the feed jobs settle after the response."""
    response = await follower.post(
        f"/api/v1/accounts/{target.id}/follow", json={"reblogs": show_reblogs}
    )
    assert response.status_code == 200, response.text


async def unfollow(services: Services, follower: Person, target: Person) -> None:
    response = await follower.post(f"/api/v1/accounts/{target.id}/unfollow")
    assert response.status_code == 200, response.text


async def mute(services: Services, who: Person, target: Person) -> None:
    response = await who.post(f"/api/v1/accounts/{target.id}/mute")
    assert response.status_code == 200, response.text


async def block(services: Services, who: Person, target: Person) -> None:
    response = await who.post(f"/api/v1/accounts/{target.id}/block")
    assert response.status_code == 200, response.text


async def favourite(services: Services, who: Person, status: dict[str, Any]) -> None:
    async with services.db.transaction() as tx:
        await interactions.favourite(tx, who.actor, int(status["id"]))
    await services.runner.drain()


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]
