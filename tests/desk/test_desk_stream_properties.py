"""``stream=desk`` reaches only the brand's working staff, and no stream carries a note
(issue 16), over random sequences of customers' messages, internal notes, replies,
assignments and presence heartbeats on two brands.

Every reader -- each brand's owner, manager and agent acting as the brand, the cafe's
analyst, two customers, the cafe's agent as herself, and an anonymous reader -- opens the
desk, user, user:notification, direct, public and public:local streams as the streaming
endpoint does (``resolve_name`` and ``check_list``: the same refusals) and listens through
the process's streaming hub, the code that fills every SSE and WebSocket connection. What
the operations publish is recorded at the broker. A person acting as themself may open
their own account's desk (everyone owns their own account); they hear nothing there.

Nothing here waits on time: once the operations are done, a sentinel is published on every
channel, and a probe listener per channel is read until its sentinel arrives. The hub hands
over what arrives on a channel in order, so by then every event before it is in the
readers' outboxes. Runs on the in-process broker and on Redis (each on SQLite, or on
PostgreSQL with ``PORINA_TEST_DATABASE_URL``). The app, its requests, the hub and the test
share one event loop (``isolated``): the broker's Redis connections are never handed from
one loop to another.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.api.mastodon import auth, streaming
from porina.core.errors import PorinaError
from porina.storage.broker import Broker, MemoryBroker

from ..factories import Person
from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix
from ..support.world import Isolated, isolated
from .inbox_support import AGENT, BASE, Staff, staff

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=int(os.environ.get("DESK_EX", "3" if ON_PG else "5")),
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAFETY = 30
"""Seconds before a sentinel that never comes is a failure (a hang), not a measurement."""

WORKING = ("owner", "manager", AGENT)
STREAMS = ("desk", "user", "user:notification", "direct", "public", "public:local")
STATUSES = ("open", "pending", "snoozed", "resolved")

Op = tuple[str, int, int, int, str]
"""(what, customer, brand, staff member, visibility): a customer's message to a brand, or,
on that customer's conversation with the brand, a note, a reply, an assignment (to the next
colleague) or a presence heartbeat (viewing, typing) or leave by a member of its team."""
OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["message", "message", "note", "reply", "assign", "viewing", "typing", "leave"]
        ),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(0, 2),
        st.sampled_from(["public", "direct"]),
    ),
    min_size=1,
    max_size=10,
)
Published = list[tuple[str, dict[str, Any]]]


@dataclass
class Reader:
    name: str
    token: str | None
    works_for: int | None
    """The brand (0 or 1) whose conversations this reader works, None for everyone else."""
    own_account: int | None = None


@dataclass
class Heard:
    reader: Reader
    stream: str
    listener: streaming.Listener
    frames: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class World:
    teams: list[list[Staff]]
    readers: list[Reader]
    customers: list[Person]
    cids: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    published: Published = field(default_factory=list)
    heard: list[Heard] = field(default_factory=list)
    probes: dict[str, streaming.Listener] = field(default_factory=dict)
    refused: dict[tuple[str, str], int] = field(default_factory=dict)

    def brand_id(self, which: int) -> int:
        return self.teams[which][0].brand.account.id


def _token(one: Staff) -> str:
    return one.headers["Authorization"].removeprefix("Bearer ")


async def _setup(env: Isolated) -> World:
    teams = []
    for name in ("cafe", "bakery"):
        brand = await env.make.person(name)
        members = [await staff(env.services, env.make, brand, f"{name}_{r}", r) for r in WORKING]
        teams.append(members)
    analyst = await staff(env.services, env.make, teams[0][0].brand, "cafe_numbers", "analyst")
    customers = [await env.make.person("emma"), await env.make.person("olli")]
    readers = [
        Reader(f"{role} of brand {b}", _token(one), b, one.person.account.id)
        for b, team in enumerate(teams)
        for role, one in zip(WORKING, team, strict=True)
    ]
    readers += [
        Reader("analyst of brand 0", _token(analyst), None),
        *(Reader(c.username, c.token, None) for c in customers),
        Reader("brand 0's agent as herself", teams[0][2].person.token, None),
        Reader("anonymous", None, None),
    ]
    return World(teams, readers, customers)


# --- listening as the streaming endpoint does -------------------------------------------------


async def _open(env: Isolated, world: World, reader: Reader, hub: Any) -> None:
    svc = env.services
    viewer = None if reader.token is None else await auth.load_viewer(svc, reader.token)
    for name in STREAMS:
        try:
            stream = streaming.resolve_name(name, viewer, None, False)
            await streaming.check_list(svc, viewer, stream)
        except PorinaError as refusal:
            world.refused[(reader.name, name)] = refusal.status
            continue
        listener = streaming.Listener(streaming.Outbox(svc, viewer, sse=False), stream)
        hub.join(stream.channel, listener)
        world.heard.append(Heard(reader, name, listener))


async def _listen(env: Isolated, world: World) -> None:
    hub = streaming.hub(env.services)
    for reader in world.readers:
        await _open(env, world, reader, hub)
    for channel in {h.listener.stream.channel for h in world.heard}:
        probe = streaming.Stream(["probe"], channel, frozenset({"delete"}))
        world.probes[channel] = streaming.Listener(
            streaming.Outbox(env.services, None, sse=False), probe
        )
        hub.join(channel, world.probes[channel])
    await _subscribed(env.services.broker, env, list(world.probes))


async def _subscribed(broker: Broker, env: Isolated, channels: list[str]) -> None:
    """Until the hub's subscription to every channel is live (a condition, not a delay)."""
    client = None if isinstance(broker, MemoryBroker) else aioredis.from_url(REDIS_URL)
    prefix = env.services.settings.redis_prefix
    try:
        for _ in range(SAFETY * 200):
            if client is None:
                assert isinstance(broker, MemoryBroker)
                counts = [broker.subscriber_count(c) for c in channels]
            else:
                counts = [n for _, n in await client.pubsub_numsub(*[prefix + c for c in channels])]
            if all(counts):
                return
            await asyncio.sleep(0.005)
        raise AssertionError("the streaming hub never subscribed")
    finally:
        if client is not None:
            await client.aclose()


def _leave(env: Isolated, world: World) -> None:
    hub = streaming.hub(env.services)
    for heard in world.heard:
        hub.leave(heard.listener.stream.channel, heard.listener)
    for channel, probe in world.probes.items():
        hub.leave(channel, probe)


def _record(broker: Broker, published: Published) -> None:
    """Every (channel, message) the operations publish, once (the in-process broker's
    ``publish_many`` calls its own ``publish``)."""
    publish, publish_many = broker.publish, broker.publish_many
    depth = [0]

    async def one(channel: str, message: dict[str, Any]) -> None:
        if not depth[0]:
            published.append((channel, message))
        await publish(channel, message)

    async def many(channels: Any, message: dict[str, Any]) -> None:
        names = list(channels)
        published.extend((c, message) for c in names)
        depth[0] += 1
        try:
            await publish_many(names, message)
        finally:
            depth[0] -= 1

    broker.publish = one  # type: ignore[method-assign]
    broker.publish_many = many  # type: ignore[method-assign]


async def _settle(env: Isolated, world: World) -> None:
    """A sentinel on every channel, published after everything else; each probe is read
    until its own, then every reader's outbox is emptied into ``frames``."""
    broker = env.services.broker
    sentinels = [
        (c, {"event": "delete", "status_id": f"zz{n}"}) for n, c in enumerate(world.probes)
    ]
    for channel, message in sentinels:
        await broker.publish(channel, message)
    for n, probe in enumerate(world.probes.values()):
        await asyncio.wait_for(_until(probe, f"zz{n}"), SAFETY)
    for heard in world.heard:
        frames = heard.listener.outbox.frames
        while not frames.empty():
            frame = json.loads(frames.get_nowait())
            if not (frame["event"] == "delete" and frame["payload"].startswith("zz")):
                heard.frames.append(frame)


async def _until(probe: streaming.Listener, sentinel: str) -> None:
    while True:
        for frame in await probe.outbox.next():
            if json.loads(frame)["payload"] == sentinel:
                return


# --- the operations -----------------------------------------------------------------------


async def _cid(world: World, which: int, who: int) -> str | None:
    """The customer's conversation with the brand (one per person), once it exists."""
    if (which, who) not in world.cids:
        contact = world.customers[who].id
        desk = world.teams[which][2]
        for status in STATUSES:
            for row in await desk.conversations(view="all", status=status):
                if row["contact"]["id"] == contact:
                    world.cids[(which, who)] = str(row["id"])
    return world.cids.get((which, who))


async def _apply(world: World, n: int, op: Op) -> None:
    what, who, which, member, visibility = op
    team = world.teams[which]
    desk = team[member]
    if what == "message":
        handle = desk.brand.username
        await world.customers[who].status(f"@{handle} question {n}", visibility=visibility)
        return
    cid = await _cid(world, which, who)
    if cid is None:
        return
    path = f"{BASE}/{cid}"
    if what == "note":
        marker = f"zqnote{which}x{n}"
        world.notes.append(marker)
        response = await desk.post(f"{path}/notes", json={"text": f"{marker} internal"})
    elif what == "reply":
        body = {"text": f"answer {n}", "visibility": visibility}
        response = await desk.post(f"{path}/reply", json=body)
        if response.status_code == 422:  # a public answer to someone who only wrote directly
            assert "no public message" in response.json()["error"]
            return
    elif what == "assign":
        colleague = team[(member + 1) % len(team)].person.id
        response = await desk.post(f"{path}/assign", json={"assignee_id": colleague})
    elif what == "leave":
        response = await desk.client.delete(f"{path}/presence", headers=desk.headers)
    else:
        response = await desk.post(f"{path}/presence", json={"state": what})
    assert response.status_code == 200, (op, response.text)


# --- what was heard -----------------------------------------------------------------------


async def _conversations(world: World, which: int) -> set[str]:
    desk = world.teams[which][2]
    return {
        str(row["id"])
        for status in STATUSES
        for row in await desk.conversations(view="all", status=status)
    }


def _check_refusals(world: World) -> None:
    """Only a brand's working staff may open its desk stream. Anyone else either is refused
    as the endpoint refuses them (401 without a token or scope, 403 an analyst) or, a
    person acting as themself, opens their own account's desk (everyone owns their own
    account), where nothing of the brands' desks is heard."""
    brands = {f"desk:{world.brand_id(b)}" for b in (0, 1)}
    on_brands = {
        h.reader.name
        for h in world.heard
        if h.stream == "desk" and h.listener.stream.channel in brands
    }
    assert on_brands == {r.name for r in world.readers if r.works_for is not None}
    for reader in world.readers:
        if reader.works_for is None and (reader.name, "desk") in world.refused:
            assert world.refused[(reader.name, "desk")] in {401, 403, 404}, reader.name
    for heard in world.heard:
        if heard.stream == "desk" and heard.reader.works_for is None:
            assert heard.frames == [], heard.reader.name
    analyst = next(r for r in world.readers if r.name.startswith("analyst"))
    assert world.refused[(analyst.name, "desk")] in {401, 403}
    assert world.refused[("anonymous", "desk")] == 401


def _check_published(world: World, theirs: list[set[str]]) -> None:
    """Each brand's desk changes go to its own channel only; no message holds a note."""
    channels = {f"desk:{world.brand_id(b)}": b for b in (0, 1)}
    for channel, message in world.published:
        text = json.dumps(message)
        assert not [m for m in world.notes if m in text], (channel, message)
        if channel.startswith("desk:"):
            assert str(message["conversation_id"]) in theirs[channels[channel]], channel


def _check_desk_frames(world: World, heard: Heard, theirs: set[str]) -> None:
    """A worker hears every change of their brand's desk, and nothing of the other's."""
    assert heard.reader.works_for is not None
    channel = f"desk:{world.brand_id(heard.reader.works_for)}"
    sent = [m for c, m in world.published if c == channel]
    assert [f["event"] for f in heard.frames] == [m["event"] for m in sent], heard.reader.name
    team = {one.person.id for one in world.teams[heard.reader.works_for]}
    for frame in heard.frames:
        payload = json.loads(frame["payload"])
        assert payload["conversation_id"] in theirs, heard.reader.name
        shown = {v["account"]["id"] for v in payload.get("viewers", [])}
        assert shown <= team - {str(heard.reader.own_account)}, (heard.reader.name, shown)
    changed = {json.loads(f["payload"])["conversation_id"] for f in heard.frames}
    assert theirs <= changed, heard.reader.name  # every conversation began with an item


async def _check(world: World) -> None:
    theirs = [await _conversations(world, b) for b in (0, 1)]
    assert set(world.cids.values()) <= theirs[0] | theirs[1]
    _check_refusals(world)
    _check_published(world, theirs)
    for heard in world.heard:
        for frame in heard.frames:
            text = json.dumps(frame)
            assert not [m for m in world.notes if m in text], (heard.reader.name, frame)
        if heard.stream == "desk" and heard.reader.works_for is not None:
            _check_desk_frames(world, heard, theirs[heard.reader.works_for])


async def _example(env: Isolated, ops: list[Op]) -> None:
    await env.reset()
    world = await _setup(env)
    broker = env.services.broker
    try:
        await _listen(env, world)
        _record(broker, world.published)
        try:
            for n, op in enumerate(ops):
                await _apply(world, n, op)
        finally:
            del broker.publish, broker.publish_many  # back to the class's own
        await _settle(env, world)
    finally:
        _leave(env, world)  # a failed example leaves no listener to the next one
    await _check(world)


@pytest.mark.parametrize("broker", ["memory", "redis"])
def test_desk_stream_reaches_only_the_brands_working_staff_and_no_stream_carries_a_note(
    template: Path | str, broker: str
) -> None:
    overrides: dict[str, Any] = {}
    if broker == "redis":
        require_redis()
        overrides = {"broker": "redis", "redis_url": REDIS_URL, "redis_prefix": unique_prefix()}
    loop = asyncio.new_event_loop()
    world_cm = isolated(template, **overrides)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(OPS)
        def prop(ops: list[Op]) -> None:
            loop.run_until_complete(_example(env, ops))

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
            if overrides:
                loop.run_until_complete(delete_prefix(REDIS_URL, overrides["redis_prefix"]))
    finally:
        loop.close()
