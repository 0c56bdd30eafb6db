"""``porina.call`` reaches the other side's user stream over SSE and the WebSocket, after the
action commits; a brand's staff member hears only the calls meant for them."""

from __future__ import annotations

import json

import httpx

from porina.services import Services
from tests.api.test_streaming import SAFETY, SSE, WS, base, subscribed
from tests.factories import Factory

from .support import CALLS, offer

__all__ = ["base"]


async def test_signals_reach_the_other_side_over_sse_and_websocket(
    base: str, services: Services, make: Factory
) -> None:
    aino, olli = await make.person("aino"), await make.person("olli")
    await aino.follow(olli)
    await olli.follow(aino)
    async with (
        httpx.AsyncClient(timeout=SAFETY, headers=aino.headers) as http,
        http.stream("GET", base + "/api/v1/streaming/user", headers=olli.headers) as response,
    ):
        assert response.status_code == 200
        lines = response.aiter_lines()
        assert await anext(lines) == ":)"
        await subscribed(services, f"user:{olli.id}")
        ws = await WS.connect(base, "/api/v1/streaming", protocol=aino.token)
        try:
            await ws.send({"type": "subscribe", "stream": "user"})
            await subscribed(services, f"user:{aino.id}")
            placed = await http.post(base + CALLS, json={"account_id": olli.id})
            call_id = placed.json()["id"]
            event, data = await SSE(lines).next_event()
            assert event == "porina.call"
            assert json.loads(data)["type"] == "ring" and json.loads(data)["id"] == call_id
            await http.post(
                f"{base}{CALLS}/{call_id}/signal", json={"type": "offer", "data": offer()}
            )
            event, data = await SSE(lines).next_event()
            assert (event, json.loads(data)["type"]) == ("porina.call", "offer")
            declined = await http.post(
                f"{base}{CALLS}/{call_id}/signal",
                json={"type": "decline"},
                headers=olli.headers,
            )
            assert declined.json()["state"] == "declined"
            frame = await ws.receive()
            assert frame["stream"] == ["user"] and frame["event"] == "porina.call"
            payload = json.loads(frame["payload"])
            assert payload["type"] == "decline" and payload["account"]["id"] == olli.id
        finally:
            ws.close()
