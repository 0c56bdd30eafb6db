"""The streaming hub on Redis: every channel its streams hear goes through one pub/sub
connection, so a thousand streams neither run the client's pool dry (its 100 connections: a
subscription each used to take one, and the streams past the hundredth heard nothing while
the publishes sharing the pool failed) nor lose their subscriptions when it reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from porina.storage.broker import RedisBroker, RedisListener
from porina.streaming.hub import Arrival, Hub

from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix

CHANNELS = 300  # three times the Redis client's default pool


async def _until(done: Callable[[], bool]) -> None:
    for _ in range(500):
        if done():
            return
        await asyncio.sleep(0.02)


async def _heard(client: aioredis.Redis, prefix: str, names: list[str], counts: list[int]) -> None:
    """Wait until Redis counts ``counts`` subscribers on ``names`` (or give up: the caller's
    assertion says what was found)."""
    for _ in range(500):
        if await _subscribers(client, prefix, names) == counts:
            return
        await asyncio.sleep(0.02)


@pytest.fixture
async def setup() -> AsyncIterator[tuple[RedisBroker, Hub, list[Arrival], aioredis.Redis, str]]:
    require_redis()
    prefix = unique_prefix()
    broker = RedisBroker(REDIS_URL, prefix)
    arrived: list[Arrival] = []

    async def handle(batch: list[Arrival]) -> None:
        arrived.extend(batch)

    hub = Hub(broker, handle)
    client = aioredis.from_url(REDIS_URL)
    try:
        yield broker, hub, arrived, client, prefix
    finally:
        hub.close()
        await broker.close()
        await client.aclose()
        await delete_prefix(REDIS_URL, prefix)


async def _subscribers(client: aioredis.Redis, prefix: str, names: list[str]) -> list[int]:
    found: list[Any] = await client.pubsub_numsub(*[prefix + n for n in names])
    return [int(count) for _name, count in found]


async def test_three_hundred_channels_are_heard_and_publishes_still_go_out(
    setup: tuple[RedisBroker, Hub, list[Arrival], aioredis.Redis, str],
) -> None:
    broker, hub, arrived, client, prefix = setup
    names = [f"user:{i}" for i in range(CHANNELS)]
    for i, name in enumerate(names):
        hub.join(name, f"reader-{i}")
        hub.join(name, f"second-reader-{i}")
    await _heard(client, prefix, names, [1] * CHANNELS)
    counts = await _subscribers(client, prefix, names)
    assert counts == [1] * CHANNELS  # one subscription per channel, whoever listens
    await broker.publish_many(names, {"event": "update", "status_id": "7"})
    for name in names[:5]:
        await broker.publish(name, {"event": "delete", "status_id": "7"})
    await _until(lambda: len(arrived) == CHANNELS + 5)
    heard = {(a.channel, a.message["event"]) for a in arrived}
    assert heard == {(n, "update") for n in names} | {(n, "delete") for n in names[:5]}
    first = next(a for a in arrived if a.channel == "user:0")
    assert set(first.members) == {"reader-0", "second-reader-0"}


async def test_a_channel_whose_last_stream_left_is_no_longer_heard(
    setup: tuple[RedisBroker, Hub, list[Arrival], aioredis.Redis, str],
) -> None:
    broker, hub, arrived, client, prefix = setup
    hub.join("public", "a")
    hub.join("public", "b")
    hub.join("public:local", "a")
    await _heard(client, prefix, ["public", "public:local"], [1, 1])
    hub.leave("public", "a")
    hub.leave("public:local", "a")
    await _heard(client, prefix, ["public", "public:local"], [1, 0])
    assert await _subscribers(client, prefix, ["public", "public:local"]) == [1, 0]
    await broker.publish_many(["public", "public:local"], {"event": "update", "status_id": "1"})
    await _until(lambda: len(arrived) >= 1)
    await broker.publish("public", {"event": "update", "status_id": "2"})
    await _until(lambda: len(arrived) >= 2)
    assert [(a.channel, a.message["status_id"], a.members) for a in arrived] == [
        ("public", "1", ("b",)),
        ("public", "2", ("b",)),
    ]


async def test_the_subscriptions_survive_a_lost_connection(
    setup: tuple[RedisBroker, Hub, list[Arrival], aioredis.Redis, str],
) -> None:
    broker, hub, arrived, client, prefix = setup
    names = ["user:1", "hashtag:coffee"]
    for name in names:
        hub.join(name, "reader")
    await _heard(client, prefix, names, [1, 1])
    listener = hub._listener
    assert isinstance(listener, RedisListener)
    connection = listener._pubsub.connection
    assert connection is not None
    await connection.disconnect()  # as when Redis restarts or the network drops
    delivered = False
    for n in range(200):  # publish until the reconnected subscription hears again
        await broker.publish_many(names, {"event": "update", "status_id": str(n)})
        await asyncio.sleep(0.05)
        delivered = {a.channel for a in arrived} == set(names)
        if delivered:
            break
    assert delivered
    assert await _subscribers(client, prefix, names) == [1, 1]
