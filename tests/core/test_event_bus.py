"""The event bus: a new consumer is one module with subscribers, and no action changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from porina.core import events as ev
from porina.core.actor import Actor
from porina.jobs.events import emit, subscribe, unsubscribe
from porina.jobs.models import Job
from porina.services import Services
from porina.storage.db import Tx
from tests.factories import Factory

SEEN: list[tuple[str, ev.Event]] = []


async def in_tx(tx: Tx, event: ev.Favourited) -> None:
    SEEN.append(("in_tx", event))


async def durable(ctx: Any, event: ev.Favourited) -> None:
    SEEN.append(("durable", event))


@pytest.fixture
async def consumer() -> AsyncIterator[list[tuple[str, ev.Event]]]:
    """A consumer added the way a new package adds one: two subscribers, no other edit."""
    SEEN.clear()
    subscribe(ev.Favourited)(in_tx)
    subscribe(ev.Favourited, job="tests.favourited")(durable)
    yield SEEN
    unsubscribe(in_tx)
    unsubscribe(durable)


async def test_a_new_consumer_hears_a_favourite_made_through_the_api(
    consumer: list[tuple[str, ev.Event]], make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    status = (await alice.post("/api/v1/statuses", json={"status": "hello"})).json()
    response = await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    assert response.status_code == 200
    kinds = [kind for kind, _ in consumer]
    assert kinds == ["in_tx", "durable"]  # the durable one ran as a job after commit
    for _, event in consumer:
        assert isinstance(event, ev.Favourited)
        assert event.status_id == int(status["id"])
        assert event.status_author_id == alice.account.id
        assert event.actor is not None and event.actor.account_id == bob.account.id


class Pinged(ev.Event, frozen=True, kw_only=True):
    """An event only these tests emit, so no real subscriber reacts to it."""

    n: int


async def pinged_in_tx(tx: Tx, event: Pinged) -> None:
    SEEN.append(("in_tx", event))


async def pinged_durable(ctx: Any, event: Pinged) -> None:
    SEEN.append(("durable", event))


@pytest.fixture
async def pings() -> AsyncIterator[list[tuple[str, ev.Event]]]:
    SEEN.clear()
    subscribe(Pinged)(pinged_in_tx)
    subscribe(Pinged, job="tests.pinged")(pinged_durable)
    yield SEEN
    unsubscribe(pinged_in_tx)
    unsubscribe(pinged_durable)


async def test_a_rolled_back_action_reaches_no_durable_subscriber(
    pings: list[tuple[str, ev.Event]], services: Services
) -> None:
    with pytest.raises(RuntimeError):
        async with services.db.transaction() as tx:
            await emit(tx, Pinged(n=1))
            raise RuntimeError("the action failed after emitting")
    await services.runner.drain()
    assert [kind for kind, _ in pings] == ["in_tx"]  # ran inside, rolled back with it


async def test_a_durable_subscriber_gets_the_event_back_with_its_types(
    pings: list[tuple[str, ev.Event]], services: Services
) -> None:
    async with services.db.transaction() as tx:
        await emit(tx, Pinged(n=2**62))
    assert [kind for kind, _ in pings] == ["in_tx"]  # the durable one waits for the job
    await services.runner.drain()
    assert [e for kind, e in pings if kind == "durable"] == [Pinged(n=2**62)]


async def test_a_subscriber_with_when_sees_only_the_events_it_accepts(
    services: Services,
) -> None:
    """``when``: an in-transaction subscriber is not called, and a durable one queues no job,
    for an event the predicate refuses."""
    seen: list[int] = []

    async def record(tx: object, event: ev.StatusCreated) -> None:
        seen.append(event.status_id)

    async def queued(ctx: Any, event: ev.StatusCreated) -> None:
        raise AssertionError("a refused event reached the durable subscriber")

    subscribe(ev.StatusCreated, when=lambda e: e.links)(record)
    subscribe(ev.StatusCreated, job="tests.when_links", when=lambda e: e.links)(queued)
    try:
        async with services.db.transaction() as tx:
            await emit(tx, _created(1, links=False))
            before = await _jobs(tx, "tests.when_links")
            await emit(tx, _created(2, links=True))
            after = await _jobs(tx, "tests.when_links")
    finally:
        unsubscribe(record)
        unsubscribe(queued)
    assert seen == [2]
    assert (before, after) == (0, 1)


def _created(status_id: int, *, links: bool) -> ev.StatusCreated:
    return ev.StatusCreated(
        actor=Actor(account_id=1),
        status_id=status_id,
        author_id=1,
        visibility="public",
        thread_id=status_id,
        links=links,
    )


async def _jobs(tx: Tx, kind: str) -> int:
    count = await tx.session.scalar(select(func.count()).select_from(Job).where(Job.kind == kind))
    return int(count or 0)
