"""One broker subscription per channel for the whole process, and events handed over in
batches.

Every open stream used to subscribe to the broker on its own and render each event for its
own viewer: a post seen by 500 public streams was read from the database and rendered 500
times, and with Redis each stream held a pub/sub connection. A ``Hub`` keeps, per channel,
the streams listening on it (its members) and one subscription; what arrives is queued, and
one worker hands everything that arrived since its last round to ``handle`` as one batch, so
the streaming endpoint can read and render each status once for all its readers. When the
worker falls behind, the next batch is larger, not later per event.

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

from porina.storage.broker import Broker

log = logging.getLogger(__name__)


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
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self._pending: list[Arrival] = []
        self._worker: asyncio.Task[None] | None = None

    def join(self, channel: str, member: Hashable) -> None:
        """``member`` hears ``channel`` from now on (its subscription starts on the next turn
        of the event loop when it is the channel's first member)."""
        self._members.setdefault(channel, {})[member] = None
        if channel not in self._pumps:
            self._pumps[channel] = asyncio.create_task(self._pump(channel))
            self._pumps[channel].add_done_callback(_report)

    def leave(self, channel: str, member: Hashable) -> None:
        members = self._members.get(channel)
        if members is None:
            return
        members.pop(member, None)
        if not members:
            del self._members[channel]
            pump = self._pumps.pop(channel, None)
            if pump is not None:
                pump.cancel()

    def listening(self, channel: str) -> int:
        return len(self._members.get(channel, ()))

    async def _pump(self, channel: str) -> None:
        try:
            async for _name, message in self.broker.subscribe([channel]):
                members = self._members.get(channel)
                if members:
                    self._arrive(Arrival(channel, message, tuple(members)))
        except (RedisError, OSError):  # the broker's connection was lost
            log.exception("streaming: the subscription to %s failed", channel)

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
        for pump in self._pumps.values():
            pump.cancel()
        if self._worker is not None:
            self._worker.cancel()
        self._pumps.clear()
        self._members.clear()
        self._pending.clear()


def _report(task: asyncio.Task[None]) -> None:
    """Log what ended a subscription or a worker unexpectedly (a bug: not caught inside);
    the next arrival starts a new worker."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("streaming: %s stopped", task.get_coro(), exc_info=error)


_hubs: weakref.WeakKeyDictionary[Any, Hub] = weakref.WeakKeyDictionary()


def hub_for(broker: Broker, make: Callable[[], Handler]) -> Hub:
    """The process's hub for ``broker`` (its handler made by ``make()`` the first time)."""
    found = _hubs.get(broker)
    if found is None:
        found = _hubs[broker] = Hub(broker, make())
    return found
