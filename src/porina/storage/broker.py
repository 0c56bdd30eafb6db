"""Publish/subscribe for streaming events: in memory (one process) or Redis (many).

Messages are small JSON documents naming what happened (``{"event": "update", "status_id":
"..."}``); the streaming endpoint renders each for its own viewer and checks visibility again,
so nothing private travels through the broker to a connection that may not see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from typing import Any, Protocol

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

PIPELINE_CHUNK = 2000

# ARGV: message, channel, channel, ...
_PUBLISH_MANY = """
for i = 2, #ARGV do redis.call('PUBLISH', ARGV[i], ARGV[1]) end
return #ARGV - 1
"""


class Broker(Protocol):
    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    async def publish_many(self, channels: Iterable[str], message: dict[str, Any]) -> None:
        """One message to many channels (a fan-out's ``user:<id>`` streams), batched."""
        ...

    def subscribe(self, channels: Iterable[str]) -> AsyncIterator[tuple[str, dict[str, Any]]]: ...

    def listener(self) -> Listener:
        """One subscription whose channels change while it listens (a process's streaming hub:
        one broker connection for every channel its streams hear, not one each)."""
        ...

    async def close(self) -> None: ...


class Listener(Protocol):
    async def add(self, channels: Iterable[str]) -> None:
        """Hear ``channels`` too (already heard ones are kept)."""
        ...

    async def remove(self, channels: Iterable[str]) -> None: ...

    def messages(self) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """What arrives on the channels heard, in order; waits while none is heard. A lost
        connection raises (``RedisError``/``OSError``); iterating again listens on, heard
        channels subscribed again."""
        ...

    async def close(self) -> None: ...


class MemoryBroker:
    """Fan-out to subscribers of this process. Slow subscribers drop old messages."""

    def __init__(self, queue_size: int = 1000) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[tuple[str, dict[str, Any]]]]] = defaultdict(
            set
        )
        self._queue_size = queue_size

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait((channel, message))

    async def publish_many(self, channels: Iterable[str], message: dict[str, Any]) -> None:
        for channel in channels:
            if channel in self._subscribers:
                await self.publish(channel, message)

    async def subscribe(self, channels: Iterable[str]) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(self._queue_size)
        names = list(channels)
        for name in names:
            self._subscribers[name].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            for name in names:
                self._subscribers[name].discard(queue)
                if not self._subscribers[name]:
                    del self._subscribers[name]

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    def listener(self) -> MemoryListener:
        return MemoryListener(self)

    async def close(self) -> None:
        self._subscribers.clear()


class MemoryListener:
    """A queue the broker fills for each channel added (its oldest message dropped when full)."""

    def __init__(self, broker: MemoryBroker) -> None:
        self._broker = broker
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(broker._queue_size)
        self._channels: set[str] = set()

    async def add(self, channels: Iterable[str]) -> None:
        for name in channels:
            self._channels.add(name)
            self._broker._subscribers[name].add(self._queue)

    async def remove(self, channels: Iterable[str]) -> None:
        subscribers = self._broker._subscribers
        for name in channels:
            self._channels.discard(name)
            queues = subscribers.get(name)
            if queues is not None:
                queues.discard(self._queue)
                if not queues:
                    del subscribers[name]

    async def messages(self) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        while True:
            yield await self._queue.get()

    async def close(self) -> None:
        await self.remove(list(self._channels))


class RedisBroker:
    """Redis pub/sub, so an event published by one process reaches every ``serve`` process."""

    def __init__(self, url: str, prefix: str = "porina:") -> None:
        self._redis = aioredis.from_url(url)
        self._prefix = prefix
        self._publish_many = self._redis.register_script(_PUBLISH_MANY)

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self._redis.publish(self._prefix + channel, msgspec.json.encode(message))

    async def publish_many(self, channels: Iterable[str], message: dict[str, Any]) -> None:
        """One Lua call ``PUBLISH``es to a chunk of channels (not one round trip each)."""
        data = msgspec.json.encode(message)
        names = [self._prefix + channel for channel in channels]
        for start in range(0, len(names), PIPELINE_CHUNK):
            await self._publish_many(keys=[], args=[data, *names[start : start + PIPELINE_CHUNK]])

    async def subscribe(self, channels: Iterable[str]) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(*[self._prefix + name for name in channels])
        try:
            async for raw in pubsub.listen():
                if raw.get("type") != "message":
                    continue
                name = raw["channel"].decode()[len(self._prefix) :]
                yield name, msgspec.json.decode(raw["data"])
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    def listener(self) -> RedisListener:
        return RedisListener(self._redis.pubsub(ignore_subscribe_messages=True), self._prefix)

    async def close(self) -> None:
        await self._redis.aclose()


class RedisListener:
    """One pub/sub connection; channels are subscribed and unsubscribed on it while another
    task reads it (a command is written while the reader waits; replies to SUBSCRIBE are
    skipped). redis-py subscribes the heard channels again when it reconnects."""

    def __init__(self, pubsub: PubSub, prefix: str) -> None:
        self._pubsub = pubsub
        self._prefix = prefix
        self._heard = asyncio.Event()

    async def add(self, channels: Iterable[str]) -> None:
        names = [self._prefix + name for name in channels]
        if names:
            await self._pubsub.subscribe(*names)
            self._heard.set()

    async def remove(self, channels: Iterable[str]) -> None:
        names = [self._prefix + name for name in channels]
        if names:
            await self._pubsub.unsubscribe(*names)

    async def messages(self) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        await self._heard.wait()  # the connection is made by the first SUBSCRIBE
        cut = len(self._prefix)
        while True:
            raw = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if raw is not None and raw.get("type") == "message":
                yield raw["channel"].decode()[cut:], msgspec.json.decode(raw["data"])

    async def close(self) -> None:
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
