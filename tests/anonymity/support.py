"""A small world for anonymity tests: a brand with a manager, people, an instance admin."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from porina.api.mastodon import auth, streaming
from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import operate
from tests.privacy.build import password_hash

API = "/api/porina/v1/anonymous"
ADMIN = "/api/porina/v1/admin/anonymous"


@dataclass
class World:
    brand: Person
    manager: dict[str, str]
    alice: Person
    bob: Person
    carol: Person


async def world(services: Services, make: Factory) -> World:
    hashed = password_hash()  # one Argon2 hash for everyone: the world is quick to make
    brand = await make.person("kahvila", actor_type="Organization", password_hash=hashed)
    mari = await make.person("mari", password_hash=hashed)
    manager = await operate(services, brand, mari, "manager")
    alice, bob, carol = [
        await make.person(n, password_hash=hashed) for n in ("alice", "bob", "carol")
    ]
    return World(brand, manager, alice, bob, carol)


async def anonymously(person: Person, text: str, **target: str) -> httpx.Response:
    return await person.post(f"{API}/statuses", json={"status": text, **target})


def leaks(payload: Any, person: Person) -> list[str]:
    """What of ``person`` (id, username, acct, profile URL) ``payload`` contains."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    name = re.escape(person.username)
    marks = [rf"\b{person.id}\b", rf"@{name}\b", rf"\"{name}\"", rf"\"{name}@"]
    return [m for m in marks if re.search(m, text, re.IGNORECASE)]


Published = list[tuple[str, dict[str, Any]]]
STREAMS = (("user", None), ("public", None), ("public:local", None), ("hashtag", "tag"))
SCOPES = frozenset({"read", "write", "follow", "push"})
FRAMES = ("update", "status.update", "notification")
"""The frames that carry a status (a delete's payload is only an id)."""


@asynccontextmanager
async def recording(services: Services) -> AsyncIterator[Published]:
    """Every message published to the streaming broker meanwhile, as (channel, message): on
    every channel named, whether or not anyone listens there (the in-process broker's
    ``publish_many`` skips a channel nobody subscribed to, so it is recorded before that)."""
    published: Published = []
    broker = services.broker
    one, many = broker.publish, broker.publish_many

    async def record(channel: str, message: dict[str, Any]) -> None:
        published.append((channel, message))
        await one(channel, message)

    async def record_many(channels: Iterable[str], message: dict[str, Any]) -> None:
        names = list(channels)
        published.extend((channel, message) for channel in names)
        await many(names, message)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(broker, "publish", record)
        patch.setattr(broker, "publish_many", record_many)
        yield published


async def streamed(
    services: Services, published: Published, viewer_id: str | None, tag: str
) -> list[tuple[str, str, Any]]:
    """What ``viewer_id``'s streams (user, public, public:local, the hashtag ``tag``; the
    public ones alone when signed out) deliver of ``published``, through the streaming
    module's own per-connection reader: (stream, event, payload) of each frame carrying
    a status."""
    who = None
    if viewer_id is not None:
        who = auth.Viewer(
            token_id=0, account_id=int(viewer_id), user_id=None, app_id=None, scopes=SCOPES
        )
    reader = streaming.Reader(services, who)
    frames: list[tuple[str, str, Any]] = []
    for name, param in STREAMS:
        if who is None and name == "user":
            continue
        stream = streaming.resolve_name(name, who, tag if param else None, False)
        for channel, message in published:
            out = await reader.payload(stream, message) if channel == stream.channel else None
            if out is not None and out[0] in FRAMES:
                frames.append((name, out[0], json.loads(out[1])))
    return frames


def status_ids(frames: list[tuple[str, str, Any]]) -> set[str]:
    """The statuses the frames carry (an update's, a notification's, a boost's original)."""
    found: set[str] = set()
    for _, event, body in frames:
        status = body.get("status") if event == "notification" else body
        while isinstance(status, dict):
            found.add(str(status["id"]))
            status = status.get("reblog")
    return found
