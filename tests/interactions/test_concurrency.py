"""Actions that create one row per person and status stay correct when the same request
arrives several times at once (a double tap, a client retrying): one row, one count, one
notification. On PostgreSQL the transactions truly overlap; on SQLite they queue."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, func, select

from porina.core.actor import Actor
from porina.interactions import actions
from porina.interactions.models import Bookmark, Favourite
from porina.notifications.models import Notification
from porina.posts.models import Status
from porina.services import Services
from porina.storage.db import Tx

from ..factories import Factory

Action = Callable[[Tx, Actor, int], Awaitable[Status]]


async def _at_once(services: Services, action: Action, actor: Actor, status_id: int) -> None:
    async def one() -> None:
        async with services.db.transaction() as tx:
            await action(tx, actor, status_id)

    await asyncio.gather(*(one() for _ in range(5)))


async def _count(services: Services, query: Select[Any]) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(query) or 0)


async def test_simultaneous_favourites_make_one_favourite_one_count_one_notification(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = int((await alice.status("like me, quickly"))["id"])
    await _at_once(services, actions.favourite, Actor(bob.account.id), sid)
    assert await _count(services, select(func.count()).select_from(Favourite)) == 1
    assert await _count(services, select(Status.favourites_count).where(Status.id == sid)) == 1
    notes = select(func.count()).where(
        Notification.account_id == alice.account.id, Notification.type == "favourite"
    )
    assert await _count(services, notes) == 1


async def test_simultaneous_bookmarks_make_one_bookmark(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = int((await alice.status("keep me"))["id"])
    await _at_once(services, actions.bookmark, Actor(bob.account.id), sid)
    assert await _count(services, select(func.count()).select_from(Bookmark)) == 1
