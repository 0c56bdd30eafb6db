"""Size and time limits against real servers that send too much or too slowly."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Sequence

import pytest

from porina.http import OutboundLimits, OutboundTimeout, TooLarge
from porina.http.addresses import IPAddress

from .server import Exchange, Handler, LocalServer, answer
from .support import client_for

LIMIT = 2048


class EndlessBody:
    """Sends a chunked body of 1 KiB chunks that never ends, then waits to be hung up on."""

    def __init__(self) -> None:
        self.hung_up = asyncio.Event()

    async def __call__(self, exchange: Exchange) -> None:
        await exchange.head(200, {"Transfer-Encoding": "chunked"})
        for _ in range(4):
            await exchange.send(b"400\r\n" + b"x" * 1024 + b"\r\n")
        if await exchange.client_hung_up():
            self.hung_up.set()


async def test_a_body_over_the_limit_stops_with_too_large_and_the_connection_is_closed() -> None:
    endless = EndlessBody()
    async with LocalServer({"/big": endless}) as server:
        async with client_for(server, limits=OutboundLimits(max_bytes=LIMIT)) as client:
            with pytest.raises(TooLarge) as refused:
                await client.get(server.url("/big"))
        await asyncio.wait_for(endless.hung_up.wait(), 2)
    assert refused.value.code == "too_large"


async def test_an_announced_length_over_the_limit_is_refused_before_the_body() -> None:
    big = LocalServer({"/": answer(b"y" * (LIMIT + 1))})
    async with big as server, client_for(server, limits=OutboundLimits(max_bytes=LIMIT)) as c:
        with pytest.raises(TooLarge, match="announces 2049 bytes"):
            await c.get(server.url())


async def test_a_small_gzip_body_inflating_past_the_limit_is_too_large() -> None:
    bomb = gzip.compress(b"\0" * (10 * 1024 * 1024))
    small = gzip.compress(b"moi " * 100)
    routes = {
        "/bomb": answer(bomb, headers={"Content-Encoding": "gzip"}),
        "/small": answer(small, headers={"Content-Encoding": "gzip"}),
    }
    limits = OutboundLimits(max_bytes=64 * 1024)
    async with LocalServer(routes) as server, client_for(server, limits=limits) as client:
        assert len(bomb) < limits.max_bytes
        with pytest.raises(TooLarge):
            await client.get(server.url("/bomb"))
        assert (await client.get(server.url("/small"))).text == "moi " * 100
    assert server.requests[0].headers["accept-encoding"] == "gzip"


async def test_a_call_can_raise_the_limit_for_itself() -> None:
    routes = {"/": answer(b"z" * (LIMIT * 2))}
    limits = OutboundLimits(max_bytes=LIMIT)
    async with LocalServer(routes) as server, client_for(server, limits=limits) as client:
        with pytest.raises(TooLarge):
            await client.get(server.url())
        assert len((await client.get(server.url(), max_bytes=LIMIT * 2)).content) == LIMIT * 2


async def _silent(exchange: Exchange) -> None:
    await asyncio.sleep(60)


async def _trickle(exchange: Exchange) -> None:
    await exchange.head(200, {"Transfer-Encoding": "chunked"})
    while True:
        await exchange.send(b"1\r\nx\r\n")
        await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    ("handler", "limits"),
    [
        (_silent, OutboundLimits(read_timeout=0.3)),
        (_trickle, OutboundLimits(read_timeout=5, total_timeout=0.5)),
    ],
    ids=["silent-read-timeout", "trickling-total-timeout"],
)
async def test_a_slow_server_times_out(handler: Handler, limits: OutboundLimits) -> None:
    async with LocalServer({"/": handler}) as server, client_for(server, limits=limits) as c:
        started = time.monotonic()
        with pytest.raises(OutboundTimeout) as refused:
            await c.get(server.url())
        elapsed = time.monotonic() - started
    assert refused.value.code == "timeout"
    assert elapsed < 1.5


class HangingResolver:
    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        await asyncio.sleep(60)
        return []


async def test_a_lookup_that_never_answers_times_out_within_the_connect_timeout() -> None:
    limits = OutboundLimits(connect_timeout=0.2)
    async with client_for(resolver=HangingResolver(), limits=limits) as client:
        started = time.monotonic()
        with pytest.raises(OutboundTimeout, match=r"resolving slow\.example"):
            await client.get("https://slow.example/")
    assert time.monotonic() - started < 1
