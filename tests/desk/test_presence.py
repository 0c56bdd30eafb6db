"""Presence and the soft lock (issue 16, point 2): staff announce that they view a
conversation or type a reply; the others see it in the conversation's detail and live on
``stream=desk``; an announcement lapses after 30 s without a heartbeat; only the brand's
working staff may announce or see it. The store behaves the same in memory and in Redis
(several processes share it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from porina.core.actor import Actor
from porina.core.clock import now
from porina.desk import presence
from porina.desk.presence import MemoryPresence, PresenceStore, RedisPresence
from porina.services import Services
from tests.api.test_streaming import SAFETY, SSE, WS, base, subscribed
from tests.factories import Factory

from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix
from .inbox_support import BASE, Staff, brand_with_agent, staff

__all__ = ["base"]

DESK = "/api/v1/streaming/desk"
T0 = 1_800_000_000_000  # epoch ms


async def _conversation(desk: Staff, make: Factory, customer: str = "emma") -> str:
    fan = await make.person(customer)
    await fan.status(f"@{desk.brand.account.username} is the terrace open?")
    rows = await desk.conversations(view="all")
    return str(rows[0]["id"])


async def _team(services: Services, make: Factory) -> tuple[Staff, Staff, str]:
    aino = await brand_with_agent(services, make)
    olli = await staff(services, make, aino.brand, "cafe_olli", "manager")
    return aino, olli, await _conversation(aino, make)


def _who(detail: dict[str, Any]) -> list[tuple[str, str]]:
    return [(v["account"]["acct"], v["state"]) for v in detail["viewers"]]


async def test_staff_see_each_other_viewing_and_typing_and_not_themselves(
    services: Services, make: Factory
) -> None:
    aino, olli, cid = await _team(services, make)
    path = f"{BASE}/{cid}/presence"
    assert (await aino.conversation(cid))["viewers"] == []

    seen = await aino.post(path, json={"state": "viewing"})
    assert seen.status_code == 200, seen.text
    assert seen.json() == {"conversation_id": cid, "viewers": []}  # nobody else yet
    assert _who(await olli.conversation(cid)) == [("cafe_aino", "viewing")]
    assert (await aino.conversation(cid))["viewers"] == []  # not the reader themself

    answered = await olli.post(path, json={"state": "typing"})
    assert _who(answered.json()) == [("cafe_aino", "viewing")]
    viewer = (await aino.conversation(cid))["viewers"][0]
    assert viewer["account"] == {
        "id": olli.person.id,
        "acct": "cafe_olli",
        "display_name": olli.person.account.display_name,
    }
    assert viewer["state"] == "typing" and viewer["since"].endswith("Z")

    assert (await olli.client.delete(path, headers=olli.headers)).json() == {}
    assert (await aino.conversation(cid))["viewers"] == []
    assert _who(await olli.conversation(cid)) == [("cafe_aino", "viewing")]


async def test_presence_is_refused_to_everyone_but_the_brands_working_staff(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    aino, _olli, cid = await _team(services, make)
    analyst = await staff(services, make, aino.brand, "cafe_numbers", "analyst")
    bakery = await brand_with_agent(services, make, "bakery")
    emma = await make.person("emma2")
    path = f"{BASE}/{cid}/presence"
    await aino.post(path, json={"state": "typing"})

    assert (await client.post(path, json={"state": "viewing"})).status_code == 401
    for refused, status in ((analyst, 403), (bakery, 404)):
        answer = await refused.post(path, json={"state": "viewing"})
        assert answer.status_code == status and "error" in answer.json(), refused
        gone = await refused.client.delete(path, headers=refused.headers)
        assert gone.status_code == status and "error" in gone.json()
        assert "cafe_aino" not in (await refused.get(f"{BASE}/{cid}")).text
    customer = await emma.post(path, json={"state": "viewing"})
    assert customer.status_code == 404 and "cafe_aino" not in customer.text
    assert (await aino.post(path, json={"state": "sleeping"})).status_code == 422
    assert (await aino.post(f"{BASE}/nonsense/presence", json={})).status_code == 404
    assert (await aino.post(f"{BASE}/999999999/presence", json={})).status_code == 404


async def test_presence_reaches_the_brands_staff_live_and_no_one_else(
    base: str, services: Services, make: Factory
) -> None:
    aino, olli, cid = await _team(services, make)
    bakery = await brand_with_agent(services, make, "bakery")
    async with (
        httpx.AsyncClient(timeout=SAFETY) as http,
        http.stream("GET", base + DESK, headers=olli.headers) as response,
    ):
        lines = response.aiter_lines()
        assert await anext(lines) == ":)"
        await subscribed(services, f"desk:{aino.brand.id}")
        ws = await WS.connect(
            base, "/api/v1/streaming", protocol=bakery.headers["Authorization"][7:]
        )
        try:
            await ws.send({"type": "subscribe", "stream": "desk"})
            await subscribed(services, f"desk:{bakery.brand.id}")
            stream = SSE(lines)
            await aino.post(f"{BASE}/{cid}/presence", json={"state": "viewing"})
            event, data = await stream.next_event()
            assert event == "desk.presence"
            assert _who(json.loads(data)) == [("cafe_aino", "viewing")]
            await aino.post(f"{BASE}/{cid}/presence", json={"state": "viewing"})  # unchanged
            await olli.post(f"{BASE}/{cid}/presence", json={"state": "viewing"})
            event, data = await stream.next_event()  # olli's own arrival: without olli
            assert (event, _who(json.loads(data))) == ("desk.presence", [("cafe_aino", "viewing")])
            await aino.post(f"{BASE}/{cid}/presence", json={"state": "typing"})
            event, data = await stream.next_event()
            assert _who(json.loads(data)) == [("cafe_aino", "typing")]
            await aino.client.delete(f"{BASE}/{cid}/presence", headers=aino.headers)
            assert await stream.next_event() == (
                "desk.presence",
                json.dumps({"conversation_id": cid, "viewers": []}, separators=(",", ":")),
            )
            # the bakery's agent heard none of it: its first frame is its own customer's
            await (await make.person("olga")).status("@bakery any rye today?")
            frame = await ws.receive()
            assert frame["event"] == "desk.conversation"
        finally:
            ws.close()


async def test_presence_lapses_without_a_heartbeat(services: Services, make: Factory) -> None:
    aino, olli, cid = await _team(services, make)
    brand, wanted = aino.brand.account.id, int(cid)
    moment = now()
    await presence.present(services, _actor(aino), wanted, "viewing", clock=lambda: moment)

    async def seen_by_olli(seconds: int) -> list[int]:
        at = moment + timedelta(seconds=seconds)
        found = await presence.others(
            services.desk_presence, brand, olli.person.user.id, wanted, clock=lambda: at
        )
        return [e.user_id for e in found]

    assert await seen_by_olli(presence.TTL_SECONDS - 1) == [aino.person.user.id]
    assert await seen_by_olli(presence.TTL_SECONDS + 1) == []


def _actor(desk: Staff) -> Actor:
    return Actor(desk.brand.account.id, desk.person.user.id, operated=True)


# --- the store, in memory and in Redis ------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[tuple[PresenceStore, Any]]:
    """Two handles on one store: one process's twice, or two processes' on one Redis."""
    if request.param == "memory":
        one = MemoryPresence()
        yield one, one
        return
    require_redis()
    prefix = unique_prefix()
    first, second = RedisPresence(REDIS_URL, prefix), RedisPresence(REDIS_URL, prefix)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()
        await delete_prefix(REDIS_URL, prefix)


async def test_the_store_keeps_since_renews_lapses_and_says_what_changed(
    stores: tuple[PresenceStore, PresenceStore],
) -> None:
    here, there = stores
    first = await here.beat(1, 10, 7, "viewing", T0)
    assert first.changed and [(e.user_id, e.state, e.since) for e in first.entries] == [
        (7, "viewing", T0)
    ]
    again = await there.beat(1, 10, 7, "viewing", T0 + 10_000)  # a heartbeat: nothing new
    assert not again.changed and again.entries[0].since == T0
    typing = await there.beat(1, 10, 7, "typing", T0 + 12_000)
    assert typing.changed and typing.entries[0].since == T0 + 12_000
    other = await here.beat(1, 10, 8, "viewing", T0 + 13_000)
    assert other.changed and [e.user_id for e in other.entries] == [7, 8]
    assert [e.user_id for e in await there.entries(1, 10, T0 + 13_000)] == [7, 8]
    assert await here.entries(1, 11, T0) == [] and await here.entries(2, 10, T0) == []
    # 7's last heartbeat was at +12 s: it lapses at +42 s, noticed by 8's next heartbeat
    lapsed = await there.beat(1, 10, 8, "viewing", T0 + 42_001)
    assert lapsed.changed and [e.user_id for e in lapsed.entries] == [8]
    left = await here.leave(1, 10, 8, T0 + 43_000)
    assert left.changed and left.entries == []
    assert not (await there.leave(1, 10, 8, T0 + 44_000)).changed
    assert await there.entries(1, 10, T0 + 44_000) == []


async def test_a_redis_store_entry_expires_by_itself() -> None:
    require_redis()
    prefix = unique_prefix()
    store = RedisPresence(REDIS_URL, prefix, ttl_seconds=1)
    try:
        await store.beat(1, 10, 7, "viewing", T0)
        for _ in range(SAFETY * 10):
            if not await store._redis.exists(store._key(1, 10)):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the presence key never expired")
    finally:
        await store.close()
        await delete_prefix(REDIS_URL, prefix)
