"""The invalidation channel: every process's listeners hear each message once, the sender's
too (it tells its own at once, and skips the broker's echo), on the in-process broker and on
Redis alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from porina.storage.broker import Broker, MemoryBroker, RedisBroker
from porina.storage.invalidation import CHANNEL, Invalidations

from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix

Heard = list[dict[str, Any]]


async def _until(done: Callable[[], bool]) -> None:
    for _ in range(500):
        if done():
            return
        await asyncio.sleep(0.01)


async def _subscribers(broker: Broker, prefix: str) -> int:
    if isinstance(broker, MemoryBroker):
        return broker.subscriber_count(CHANNEL)
    client = aioredis.from_url(REDIS_URL)
    try:
        found: list[Any] = await client.pubsub_numsub(prefix + CHANNEL)
    finally:
        await client.aclose()
    return int(found[0][1])


@pytest.fixture(params=["memory", "redis"])
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Broker, str]]:
    """A broker and its key prefix (Redis only)."""
    if request.param == "memory":
        yield MemoryBroker(), ""
        return
    require_redis()
    prefix = unique_prefix()
    redis_broker = RedisBroker(REDIS_URL, prefix)
    try:
        yield redis_broker, prefix
    finally:
        await redis_broker.close()
        await delete_prefix(REDIS_URL, prefix)


def _process(broker: Broker) -> tuple[Invalidations, Heard]:
    """One process's invalidations, with a listener that notes what it hears."""
    heard: Heard = []
    invalidations = Invalidations(broker)
    invalidations.listen(lambda m: heard.append({k: v for k, v in m.items() if k != "origin"}))
    return invalidations, heard


async def test_each_process_hears_each_message_once_its_own_included(
    broker: tuple[Broker, str],
) -> None:
    processes = [_process(broker[0]) for _ in range(3)]
    for invalidations, _ in processes:
        invalidations.start()
    try:
        for _ in range(300):
            if await _subscribers(*broker) == 3:
                break
            await asyncio.sleep(0.01)
        (first, _), (second, _), (third, _) = processes
        await first.announce({"event": "token.revoked", "token_hash": "a"})
        await second.announce({"event": "account.restricted", "account_id": "7"})
        # The broker keeps each subscriber's order: once every process heard the third's
        # message, it has also been handed (and skipped) the echo of its own.
        await third.announce({"event": "desk.watches_changed"})
        await _until(lambda: all({"event": "desk.watches_changed"} in h for _, h in processes))
        await asyncio.sleep(0.05)
        for _, heard in processes:
            assert sorted(m["event"] for m in heard) == [
                "account.restricted",
                "desk.watches_changed",
                "token.revoked",
            ]
    finally:
        for invalidations, _ in processes:
            await invalidations.stop()
