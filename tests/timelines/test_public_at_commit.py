"""A public status reaches the public and hashtag streams when its post commits, before the home
fan-out job runs; the home streams still hear it from the fan-out, after their feeds have it;
nothing is announced twice, and nothing that is not public is announced on a public stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from porina.posts.actions import NewStatus, create_status
from porina.services import Services
from porina.storage.broker import MemoryBroker

from ..factories import Factory, Person
from ..interactions.support import spelled
from . import support as s

PUBLIC = ["public", "public:local", "hashtag:coffee", "hashtag:local:coffee"]


class Heard:
    """Every message published on some channels, in order, as ``(channel, message)``."""

    def __init__(self, broker: MemoryBroker, channels: list[str]) -> None:
        self.broker = broker
        self.channels = channels
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        async def listen() -> None:
            async for name, message in self.broker.subscribe(self.channels):
                self.messages.append((name, message))

        self.task = asyncio.create_task(listen())
        for _ in range(100):  # the subscription starts on the task's first turn
            if all(self.broker.subscriber_count(c) for c in self.channels):
                return
            await asyncio.sleep(0)
        raise AssertionError("the channels were not subscribed")

    async def settle(self) -> list[tuple[str, dict[str, Any]]]:
        for _ in range(5):  # the memory broker hands messages over on the next turns
            await asyncio.sleep(0)
        return list(self.messages)


@pytest.fixture
async def heard(services: Services, make: Factory) -> AsyncIterator[tuple[Heard, Person, Person]]:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    broker = services.broker
    assert isinstance(broker, MemoryBroker)
    listener = Heard(broker, [*PUBLIC, f"user:{bob.id}"])
    await listener.start()
    yield listener, alice, bob
    assert listener.task is not None
    listener.task.cancel()


async def _feed(services: Services, person: Person) -> list[int]:
    return await services.feeds.page(
        person.account.id, max_id=None, since_id=None, min_id=None, limit=40
    )


async def _post(services: Services, author: Person, visibility: str) -> int:
    """Post without running the queued jobs."""
    async with services.db.transaction() as tx:
        new = NewStatus(text=spelled("hot", (), ("Coffee",)), visibility=visibility)
        status = await create_status(tx, author.actor, new)
    return int(status.id)


async def test_public_streams_hear_a_post_at_commit_and_home_after_the_fanout(
    services: Services, heard: tuple[Heard, Person, Person]
) -> None:
    listener, alice, bob = heard
    sid = await _post(services, alice, "public")
    update = {"event": "update", "status_id": str(sid)}
    # the fan-out job has not run: only the public and hashtag streams know of the post
    assert await listener.settle() == [(channel, update) for channel in PUBLIC]
    assert await _feed(services, bob) == []
    await services.runner.drain()
    assert await _feed(services, bob) == [sid]
    # the follower's home stream hears it once its feed has it; the public ones not again
    assert await listener.settle() == [
        *[(channel, update) for channel in PUBLIC],
        (f"user:{bob.id}", update),
    ]


@pytest.mark.parametrize("visibility", ["unlisted", "private", "direct"])
async def test_a_post_that_is_not_public_is_on_no_public_stream(
    services: Services, heard: tuple[Heard, Person, Person], visibility: str
) -> None:
    listener, alice, bob = heard
    sid = await _post(services, alice, visibility)
    assert await listener.settle() == []
    await services.runner.drain()
    home = [] if visibility == "direct" else [(f"user:{bob.id}", "update", str(sid))]
    found = [(c, m["event"], m["status_id"]) for c, m in await listener.settle()]
    assert found == home


async def test_a_boost_is_on_no_public_stream(
    services: Services, heard: tuple[Heard, Person, Person], make: Factory
) -> None:
    listener, alice, bob = heard
    carol = await make.person("carol")
    original = await s.post(services, carol, "boost me")
    before = len(await listener.settle())  # carol's post: the public streams
    await s.post(services, alice, reblog_of=original)
    after = await listener.settle()
    assert [c for c, _ in after[before:]] == [f"user:{bob.id}"]
