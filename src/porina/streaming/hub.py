"""One broker subscription for the whole process, and events handed over in batches.

Every open stream used to subscribe to the broker on its own and render each event for its
own viewer: a post seen by 500 public streams was read from the database and rendered 500
times, and with Redis each stream held a pub/sub connection. A ``Hub`` keeps, per channel,
the streams listening on it (its members), and one ``Listener`` (with Redis, one pub/sub
connection) for every channel that has members: a channel's first member subscribes it, its
last one's leaving unsubscribes it, each round of changes in one command. (A subscription per
channel took a connection per channel: with 1,000 streams the Redis client's pool of 100 ran
out, those streams heard nothing and the publishes sharing the pool failed.) What arrives is
queued, and one worker hands everything that arrived since its last round to ``handle`` as
one batch, so the streaming endpoint can read and render each status once for all its
readers. When the worker falls behind, the next batch is larger, not later per event.

Members are whatever the caller uses to stand for a connection; the hub only keeps them in
sets. ``handle`` is called with every ``Arrival`` in order of arrival; a database or broker
error in it is logged and the worker carries on; any other error (a bug) is logged as it ends
the worker, and the next arrival starts another.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from porina.storage.broker import Broker, Listener

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Arrival:
    """A message, its channel, and who listened on the channel when it arrived."""

    channel: str
    message: dict[str, Any]
    members: tuple[Hashable, ...]


Handler = Callable[[list[Arrival]], Awaitable[None]]


class Hub:
    def __init__(self, broker: Broker, handle: Handler) -> None:
        self.broker = broker
        self.handle = handle
        self._members: dict[str, dict[Hashable, None]] = {}
        self._listener: Listener | None = None
        self._pump: asyncio.Task[None] | None = None
        self._changes: dict[str, bool] = {}  # channel: to be heard (True) or not
        self._syncer: asyncio.Task[None] | None = None
        self._pending: list[Arrival] = []
        self._worker: asyncio.Task[None] | None = None

    def join(self, channel: str, member: Hashable) -> None:
        """``member`` hears ``channel`` from now on (its subscription starts on the next turn
        of the event loop when it is the channel's first member)."""
        members = self._members.setdefault(channel, {})
        if not members:
            self._change(channel, True)
        members[member] = None

    def leave(self, channel: str, member: Hashable) -> None:
        members = self._members.get(channel)
        if members is None:
            return
        members.pop(member, None)
        if not members:
            del self._members[channel]
            self._change(channel, False)

    def listening(self, channel: str) -> int:
        return len(self._members.get(channel, ()))

    def _change(self, channel: str, heard: bool) -> None:
        """Queue a channel's (un)subscription: one task sends each round's changes in one
        command each way, in the order asked."""
        self._changes[channel] = heard
        if self._syncer is None or self._syncer.done():
            self._syncer = asyncio.create_task(self._sync())
            self._syncer.add_done_callback(_report)

    async def _sync(self) -> None:
        listener = self._listening()
        while self._changes:
            changes, self._changes = self._changes, {}
            try:
                await listener.add([c for c, heard in changes.items() if heard])
                await listener.remove([c for c, heard in changes.items() if not heard])
            except (RedisError, OSError):  # the broker's connection was lost: ask again
                log.exception("streaming: could not change the subscriptions")
                for channel, heard in changes.items():
                    self._changes.setdefault(channel, heard)
                await asyncio.sleep(RETRY_SECONDS)

    def _listening(self) -> Listener:
        if self._listener is None:
            self._listener = self.broker.listener()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._listen(self._listener))
            self._pump.add_done_callback(_report)
        return self._listener

    async def _listen(self, listener: Listener) -> None:
        """Every channel's messages, from one subscription; a lost connection is logged and
        listened to again (the heard channels subscribed again)."""
        while True:
            try:
                async for channel, message in listener.messages():
                    members = self._members.get(channel)
                    if members:
                        self._arrive(Arrival(channel, message, tuple(members)))
            except (RedisError, OSError):
                log.exception("streaming: the subscription failed; listening again")
                await asyncio.sleep(RETRY_SECONDS)

    def _arrive(self, arrival: Arrival) -> None:
        self._pending.append(arrival)
        if self._worker is None or self._worker.done():
            # a task of its own: it runs on the next turn of the loop, after every other
            # channel that received the same publication has queued its arrival
            self._worker = asyncio.create_task(self._work())
            self._worker.add_done_callback(_report)

    async def _work(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self.handle(batch)
            except (SQLAlchemyError, RedisError, OSError):  # a database or broker failure
                log.exception("streaming: could not deliver %d event(s)", len(batch))

    def close(self) -> None:
        for task in (self._pump, self._syncer, self._worker):
            if task is not None:
                task.cancel()
        self._members.clear()
        self._changes.clear()
        self._pending.clear()


def _report(task: asyncio.Task[None]) -> None:
    """Log what ended a subscription or a worker unexpectedly (a bug: not caught inside);
    the next arrival starts a new worker."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("streaming: %s stopped", task.get_coro(), exc_info=error)


_hubs: weakref.WeakKeyDictionary[Any, dict[str, Hub]] = weakref.WeakKeyDictionary()


def hub_for(broker: Broker, make: Callable[[], Handler], kind: str = "api") -> Hub:
    """The process's hub of ``kind`` for ``broker`` (its handler made by ``make()`` the first
    time): the API's streams and the web pages' each hear their channels through one."""
    kinds = _hubs.setdefault(broker, {})
    found = kinds.get(kind)
    if found is None:
        found = kinds[kind] = Hub(broker, make())
    return found
