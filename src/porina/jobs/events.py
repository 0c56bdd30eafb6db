"""The event bus: actions emit typed events, subscribers react.

``await emit(tx, event)`` runs, in registration order:

* **in-transaction subscribers** (``@subscribe(EventType)``): ``async def fn(tx, event)``,
  called at once inside the action's transaction, for what must commit or roll back with
  the write (notification rows, conversation rows, analytics records);
* **durable subscribers** (``@subscribe(EventType, job="package.name")``):
  ``async def fn(ctx, event)``, queued on the jobs outbox in the same transaction and run
  after commit by the job engine, with retries (feed fan-out, streaming, later desk
  routing and federation delivery). The job's payload is the event itself.

A durable subscriber may also take ``needed``: ``async def needed(tx, event) -> bool``,
asked in the action's transaction (after ``when``) whether the job would have anything to
do; one cheap read instead of a job row, and of the job's claim and run after commit
(federation queues nothing for a post none of whose readers is on another server).

Subscriber modules register themselves when imported; the composition root imports them
all at start-up (``porina.services.SUBSCRIBERS``). This module never imports a domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from porina.core.events import Event
from porina.jobs.queue import enqueue, forget_handler, handler
from porina.storage.db import Tx

E = TypeVar("E", bound=Event)
InTx = Callable[[Tx, Any], Awaitable[None]]
Needed = Callable[[Tx, Any], Awaitable[bool]]
Durable = Callable[[Any, Any], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Subscriber:
    event: type[Event]
    name: str
    """``module.function`` of an in-transaction subscriber, the job kind of a durable one."""
    durable: bool
    fn: Callable[..., Awaitable[None]]
    key: Callable[[Any], str] | None = None
    """For a durable subscriber: the job's idempotency key for an event (a job already
    queued under it is kept, and others can watch for it)."""
    when: Callable[[Any], bool] | None = None
    """Only events for which this holds reach the subscriber (a durable one queues no job
    for the others)."""
    needed: Needed | None = None
    """For a durable subscriber: asked in the transaction, after ``when``; no job is queued
    for an event it answers False (a read instead of the job's row)."""


_SUBSCRIBERS: dict[type[Event], list[Subscriber]] = {}


def subscribe(
    event: type[E],
    *,
    job: str | None = None,
    key: Callable[[E], str] | None = None,
    when: Callable[[E], bool] | None = None,
    needed: Callable[[Tx, E], Awaitable[bool]] | None = None,
) -> Callable[[Any], Any]:
    """Register the decorated function for ``event``: in the transaction, or (with ``job``,
    the job kind, stable across releases) as a durable job after commit, queued under
    ``key(event)`` when given; with ``when``, only for the events it accepts; with
    ``needed`` (durable only), only when it answers True in the transaction."""
    if needed is not None and job is None:
        raise RuntimeError("needed= is for a durable subscriber (job=...)")

    def register(fn: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        name = job or f"{fn.__module__}.{fn.__qualname__}"
        entry = Subscriber(event, name, job is not None, fn, key, when, needed)
        existing = _SUBSCRIBERS.setdefault(event, [])
        if any(s.name == name for s in existing):
            raise RuntimeError(f"{name} subscribes to {event.__name__} twice")
        existing.append(entry)
        if job is not None:
            handler(job)(_job_runner(event, fn))
        return fn

    return register


def _job_runner(event: type[Event], fn: Durable) -> Callable[[Any, dict[str, Any]], Any]:
    async def run(ctx: Any, payload: dict[str, Any]) -> None:
        await fn(ctx, msgspec.convert(payload, event))

    return run


def unsubscribe(fn: Callable[..., Awaitable[None]]) -> None:
    """Remove ``fn`` wherever it subscribed (tests that add a consumer for one test)."""
    for subs in _SUBSCRIBERS.values():
        for sub in [s for s in subs if s.fn is fn]:
            subs.remove(sub)
            if sub.durable:
                forget_handler(sub.name)


def subscribers(event: type[Event]) -> list[Subscriber]:
    return list(_SUBSCRIBERS.get(event, ()))


def registry() -> dict[type[Event], list[Subscriber]]:
    """Every event type with a subscriber, and its subscribers in order (docs, tests)."""
    return {event: list(subs) for event, subs in _SUBSCRIBERS.items()}


async def emit(tx: Tx, event: Event) -> None:
    """Announce ``event``: run its in-transaction subscribers, queue its durable ones."""
    for sub in _SUBSCRIBERS.get(type(event), ()):
        if sub.when is not None and not sub.when(event):
            continue
        if sub.durable:
            if sub.needed is not None and not await sub.needed(tx, event):
                continue
            key = sub.key(event) if sub.key is not None else None
            await enqueue(tx, sub.name, msgspec.to_builtins(event), key=key)
        else:
            await sub.fn(tx, event)
