"""Internal notes and other brands' conversations never reach anyone else (issue 16), over
random sequences of customers' messages, staff notes and replies on two brands.

After each sequence every reader asks everything they may: customers, both brands' agents
and an analyst, and an anonymous reader read timelines, notifications, DM conversations,
search, the brands' and customers' statuses and contexts, and the desk endpoints for every
conversation id. A note's text may appear only in its own brand's desk answers to that
brand's agents; nothing of brand A's desk reaches brand B's staff and the reverse.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..factories import Person
from ..support.world import Isolated, isolated
from .inbox_support import BASE, Staff, brand_with_agent, staff

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=3 if ON_PG else 6,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Op = tuple[str, int, int, str]
"""(what, customer, brand, visibility): a customer's message to a brand, a note or a reply
by the brand's agent on that customer's conversation."""
OPS = st.lists(
    st.tuples(
        st.sampled_from(["message", "message", "note", "reply"]),
        st.integers(0, 1),
        st.integers(0, 1),
        st.sampled_from(["public", "direct"]),
    ),
    min_size=1,
    max_size=8,
)


@dataclass
class World:
    brands: list[Staff]
    analyst: Staff
    customers: list[Person]
    anonymous: httpx.AsyncClient
    notes: list[tuple[int, str]] = field(default_factory=list)
    """(brand index, marker) of every note written."""
    conversation_ids: set[str] = field(default_factory=set)


async def _setup(env: Isolated) -> World:
    cafe = await brand_with_agent(env.services, env.make, "cafe")
    bakery = await brand_with_agent(env.services, env.make, "bakery")
    analyst = await staff(env.services, env.make, cafe.brand, "cafe_numbers", "analyst")
    customers = [await env.make.person("emma"), await env.make.person("olli")]
    return World([cafe, bakery], analyst, customers, env.client)


async def _conversation(desk: Staff, contact: Person) -> str | None:
    for status in ("open", "pending", "snoozed", "resolved"):
        for row in await desk.conversations(view="all", status=status):
            if row["contact"]["id"] == contact.id:
                return str(row["id"])
    return None


async def _apply(world: World, n: int, op: Op) -> None:
    what, who, which, visibility = op
    desk, customer = world.brands[which], world.customers[who]
    handle = desk.brand.account.username
    if what == "message":
        await customer.status(f"@{handle} question {n}", visibility=visibility)
        return
    cid = await _conversation(desk, customer)
    if cid is None:
        return
    world.conversation_ids.add(cid)
    if what == "note":
        marker = f"zqnote{which}x{n}"
        response = await desk.post(f"{BASE}/{cid}/notes", json={"text": f"{marker} internal"})
        assert response.status_code == 200, response.text
        world.notes.append((which, marker))
    else:
        await desk.post(
            f"{BASE}/{cid}/reply", json={"text": f"answer {n}", "visibility": visibility}
        )


def _mastodon_paths(world: World, statuses: list[str]) -> list[str]:
    paths = [
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/notifications",
        "/api/v1/conversations",
        "/api/v2/search?q=zqnote&resolve=false",
        "/api/v2/search?q=internal&resolve=false",
    ]
    for person in [*world.customers, *(d.brand for d in world.brands)]:
        paths.append(f"/api/v1/accounts/{person.id}/statuses")
    for sid in statuses:
        paths += [f"/api/v1/statuses/{sid}", f"/api/v1/statuses/{sid}/context"]
    return paths


async def _statuses(world: World) -> list[str]:
    ids: list[str] = []
    for person in [*world.customers, *(d.brand for d in world.brands)]:
        response = await person.get(f"/api/v1/accounts/{person.id}/statuses")
        ids += [s["id"] for s in response.json()]
    return ids


def _leaks(text: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in text]


async def _check(world: World) -> None:
    every = [m for _, m in world.notes]
    paths = _mastodon_paths(world, await _statuses(world))
    readers: list[tuple[str, Any]] = [("anonymous", world.anonymous)]
    readers += [(c.account.username, c) for c in world.customers]
    readers += [(f"staff of {d.brand.account.username}", d) for d in world.brands]
    readers.append(("analyst", world.analyst))
    for name, reader in readers:
        for path in paths:
            body = (await reader.get(path)).text
            assert not _leaks(body, every), (name, path)
    desk_paths = [BASE, *(f"{BASE}/{cid}" for cid in world.conversation_ids)]
    for name, reader in [*readers[1:3], ("analyst", world.analyst)]:
        for path in desk_paths:
            assert not _leaks((await reader.get(path)).text, every), (name, path)
    for which, desk in enumerate(world.brands):
        others = [m for b, m in world.notes if b != which]
        for path in desk_paths:
            assert not _leaks((await desk.get(path)).text, others), (which, path)


async def _own_notes_are_shown(world: World) -> None:
    """The property is not empty: each brand's agent does see its own notes."""
    for which, desk in enumerate(world.brands):
        mine = [m for b, m in world.notes if b == which]
        shown = "".join([(await desk.get(f"{BASE}/{cid}")).text for cid in world.conversation_ids])
        assert all(m in shown for m in mine), which


def test_notes_and_other_brands_conversations_reach_no_one_else(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(OPS)
        def prop(ops: list[Op]) -> None:
            async def go() -> None:
                await env.reset()
                world = await _setup(env)
                for n, op in enumerate(ops):
                    await _apply(world, n, op)
                await _check(world)
                await _own_notes_are_shown(world)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
