"""Rows as the (concurrently built) status, favourite and follow actions write them, with the
real notification writer, so notification/conversation/report tests need no other endpoint."""

from __future__ import annotations

from typing import Any

from porina.core.clock import now
from porina.core.ids import new_id
from porina.interactions.models import Favourite
from porina.messaging.actions import on_direct_status
from porina.notifications.notify import notify
from porina.posts.models import Mention, Status, StatusTag, Tag
from porina.services import Services

from ..factories import Person


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
    """A status by ``author``; mentions notify; a direct one updates conversations."""
    sid = new_id()
    async with services.db.transaction() as tx:
        status = Status(
            id=sid,
            account_id=author.account.id,
            visibility=visibility,
            text=text,
            content=f"<p>{text}</p>",
            created_at=now(),
            thread_id=thread_of,
            in_reply_to_id=thread_of,
            mentions=[
                {
                    "id": p.id,
                    "username": p.username,
                    "acct": p.username,
                    "url": f"http://testserver.local/@{p.username}",
                }
                for p in mention
            ],
            tags=[tag.name] if tag else [],
        )
        tx.session.add(status)
        await tx.session.flush()
        for person in mention:
            tx.session.add(Mention(status_id=sid, account_id=person.account.id))
        if tag is not None:
            tx.session.add(StatusTag(tag_id=tag.id, status_id=sid))
        await tx.session.flush()
        for person in mention:
            await notify(
                tx,
                person.account.id,
                author.account.id,
                "mention",
                status_id=sid,
                thread_id=thread_of or sid,
            )
        if visibility == "direct":
            await on_direct_status(tx, status, [p.account.id for p in mention])
    return sid


async def favourite(services: Services, who: Person, status_id: int, author: Person) -> None:
    async with services.db.transaction() as tx:
        tx.session.add(
            Favourite(id=new_id(), account_id=who.account.id, status_id=status_id, created_at=now())
        )
        await notify(tx, author.account.id, who.account.id, "favourite", status_id=status_id)


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
    row = Tag(id=new_id(), name=name.lower(), display_name=name, created_at=now())
    async with services.db.transaction() as tx:
        tx.session.add(row)
    return row


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [str(item["id"]) for item in items]
