"""Writing statuses and follows for timeline tests while the statuses and follow endpoints
are being built elsewhere: rows as the actions write them, then the real timeline hooks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.core.clock import now
from porina.core.ids import new_id
from porina.interactions.models import Bookmark, Favourite
from porina.posts.models import MediaAttachment, Mention, Status, StatusTag, Tag
from porina.services import Services
from porina.timelines import actions

from ..factories import Person


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
    """A status by ``author`` (fanned out by the real jobs); returns ``{"id": ...}``."""
    sid = new_id()
    async with services.db.transaction() as tx:
        status = Status(
            id=sid,
            account_id=author.account.id,
            visibility=visibility,
            text=text,
            content=f"<p>{text}</p>",
            created_at=now(),
            tags=list(tags),
            mentions=[
                {
                    "id": p.id,
                    "username": p.username,
                    "acct": p.username,
                    "url": f"http://testserver.local/@{p.username}",
                }
                for p in mention
            ],
        )
        if reply_to is not None:
            status.in_reply_to_id = int(reply_to["id"])
            status.in_reply_to_account_id = int(reply_to["account_id"])
        if reblog_of is not None:
            status.reblog_of_id = int(reblog_of["id"])
            status.content = ""
        tx.session.add(status)
        await tx.session.flush()
        for person in mention:
            tx.session.add(Mention(status_id=sid, account_id=person.account.id))
        for name in tags:
            tag_id = await tx.session.scalar(select(Tag.id).where(Tag.name == name))
            if tag_id is None:
                tag_id = new_id()
                tx.session.add(Tag(id=tag_id, name=name, display_name=name, created_at=now()))
                await tx.session.flush()
            tx.session.add(StatusTag(tag_id=tag_id, status_id=sid))
        if media:
            tx.session.add(
                MediaAttachment(
                    id=new_id(),
                    account_id=author.account.id,
                    status_id=sid,
                    type="image",
                    mime_type="image/png",
                    created_at=now(),
                )
            )
        await actions.on_status_created(tx, status)
    await services.runner.drain()
    return {"id": str(sid), "account_id": author.id}


async def delete(services: Services, status: dict[str, Any]) -> None:
    async with services.db.transaction() as tx:
        row = await tx.session.get(Status, int(status["id"]))
        assert row is not None
        row.deleted_at = now()
        await actions.on_status_deleted(tx, row)
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


async def favourite(services: Services, who: Person, status: dict[str, Any]) -> int:
    fid = new_id()
    async with services.db.transaction() as tx:
        tx.session.add(
            Favourite(
                id=fid, account_id=who.account.id, status_id=int(status["id"]), created_at=now()
            )
        )
    return fid


async def bookmark(services: Services, who: Person, status: dict[str, Any]) -> int:
    bid = new_id()
    async with services.db.transaction() as tx:
        tx.session.add(
            Bookmark(
                id=bid, account_id=who.account.id, status_id=int(status["id"]), created_at=now()
            )
        )
    return bid


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]
