"""An operator's open streams end when they are removed from the team: the SSE response
finishes and the WebSocket closes with 4001, over a real server as a client reads them."""

from __future__ import annotations

import asyncio
import struct

import httpx

from porina.services import Services
from tests.api.test_streaming import SAFETY, WS, base, subscribed
from tests.factories import Factory

from .support import operate, team_path

__all__ = ["base"]  # the real-server fixture, shared with the streaming tests


async def _ended(lines: object) -> list[str]:
    """Every line the stream still sends until it ends (a hang fails the test)."""

    async def rest() -> list[str]:
        return [line async for line in lines]  # type: ignore[attr-defined]

    return await asyncio.wait_for(rest(), SAFETY)


async def _close_code(ws: WS) -> int:
    async def read() -> int:
        while True:
            first, second = await ws.reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", await ws.reader.readexactly(2))
            data = await ws.reader.readexactly(length)
            if first & 0x0F == 0x8:
                (code,) = struct.unpack(">H", data[:2])
                return int(code)

    return await asyncio.wait_for(read(), SAFETY)


async def test_removing_an_operator_ends_their_sse_stream(
    base: str, services: Services, make: Factory
) -> None:
    brand, carol = await make.person("kahvila"), await make.person("carol")
    headers = await operate(services, brand, carol, "responder")
    async with (
        httpx.AsyncClient(timeout=SAFETY) as http,
        http.stream("GET", base + "/api/v1/streaming/user", headers=headers) as response,
    ):
        assert response.status_code == 200
        lines = response.aiter_lines()
        assert await anext(lines) == ":)"
        await subscribed(services, f"user:{brand.id}")
        removed = await brand.delete(team_path(brand, carol))
        assert removed.status_code == 200
        rest = await _ended(lines)
    assert not any(line.startswith("data:") for line in rest)


async def test_removing_an_operator_closes_their_websocket_with_4001(
    base: str, services: Services, make: Factory
) -> None:
    brand, carol = await make.person("kahvila"), await make.person("carol")
    headers = await operate(services, brand, carol, "responder")
    token = headers["Authorization"].removeprefix("Bearer ")
    ws = await WS.connect(base, "/api/v1/streaming", protocol=token)
    try:
        await ws.send({"type": "subscribe", "stream": "user"})
        await subscribed(services, f"user:{brand.id}")
        assert (await brand.delete(team_path(brand, carol))).status_code == 200
        assert await _close_code(ws) == 4001
    finally:
        ws.close()
