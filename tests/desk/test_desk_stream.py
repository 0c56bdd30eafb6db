"""``stream=desk``: conversation changes reach the staff of the brand the token acts as, over
SSE and the WebSocket; an analyst is refused (its token lacks the scope: 401, or by role:
403), no token is 401, and another brand's staff never hears the brand's desk."""

from __future__ import annotations

import json

import httpx

from porina.services import Services
from tests.api.test_streaming import SAFETY, SSE, WS, base, subscribed
from tests.factories import Factory

from .inbox_support import BASE, brand_with_agent, staff

__all__ = ["base"]  # the real-server fixture, shared with the streaming tests

DESK = "/api/v1/streaming/desk"


async def test_desk_stream_delivers_new_items_and_notes_to_the_brands_staff(
    base: str, services: Services, make: Factory
) -> None:
    aino = await brand_with_agent(services, make)
    other = await brand_with_agent(services, make, "bakery")
    fan = await make.person("fan")
    async with (
        httpx.AsyncClient(timeout=SAFETY) as http,
        http.stream("GET", base + DESK, headers=aino.headers) as response,
    ):
        assert response.status_code == 200
        lines = response.aiter_lines()
        assert await anext(lines) == ":)"
        await subscribed(services, f"desk:{aino.brand.id}")
        ws = await WS.connect(
            base, "/api/v1/streaming", protocol=other.headers["Authorization"][7:]
        )
        try:
            await ws.send({"type": "subscribe", "stream": "desk"})
            await subscribed(services, f"desk:{other.brand.id}")
            await fan.status("@cafe is the terrace open?")
            stream = SSE(lines)
            event, data = await stream.next_event()
            assert event == "desk.conversation"
            cid = json.loads(data)["conversation_id"]
            assert [c["id"] for c in await aino.conversations(view="all")] == [cid]
            noted = await aino.post(f"{BASE}/{cid}/notes", json={"text": "on it"})
            assert noted.status_code in {200, 201}, noted.text
            assert await stream.next_event() == (event, data)
            # the bakery's agent hears only the bakery: its first frame is its own customer's
            await fan.status("@bakery any rye today?")
            frame = await ws.receive()
            assert frame["stream"] == ["desk"] and frame["event"] == "desk.conversation"
            theirs = [c["id"] for c in await other.conversations(view="all")]
            assert json.loads(frame["payload"])["conversation_id"] in theirs
            assert cid not in theirs
        finally:
            ws.close()


async def test_desk_stream_refuses_analysts_and_anonymous(
    base: str, services: Services, make: Factory
) -> None:
    aino = await brand_with_agent(services, make)
    analyst = await staff(services, make, aino.brand, "cafe_numbers", "analyst")
    async with httpx.AsyncClient(timeout=SAFETY) as http:
        refused = await http.get(base + DESK, headers=analyst.headers)
        anonymous = await http.get(base + DESK)
    assert refused.status_code in {401, 403} and "error" in refused.json()  # scope or role
    assert anonymous.status_code == 401 and "error" in anonymous.json()
