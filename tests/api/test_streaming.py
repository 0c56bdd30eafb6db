"""Streaming over a real server (Granian, embedded in the test's event loop) so frames are read
as a client reads them: SSE lines and WebSocket frames."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from granian.constants import Interfaces
from granian.server.embed import Server
from litestar import Litestar

from porina.services import Services
from porina.storage.broker import MemoryBroker

from ..factories import Factory, Person
from ..timelines import support as s

SAFETY = 30  # seconds before a missing frame fails the test instead of hanging it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def base(app: Litestar) -> AsyncIterator[str]:
    port = _free_port()
    server = Server(
        app, address="127.0.0.1", port=port, interface=Interfaces.ASGINL, log_enabled=False
    )
    task = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as probe:
        for _ in range(500):
            try:
                await probe.get(url + "/api/v1/streaming/health")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.01)
    yield url
    server.stop()
    await asyncio.wait_for(task, 10)


async def subscribed(services: Services, channel: str) -> None:
    broker = services.broker
    assert isinstance(broker, MemoryBroker)
    for _ in range(SAFETY * 100):
        if broker.subscriber_count(channel):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"nobody subscribed to {channel}")


class SSE:
    def __init__(self, lines: AsyncIterator[str]) -> None:
        self.lines = lines

    async def next_event(self) -> tuple[str, str]:
        return await asyncio.wait_for(self._next(), SAFETY)  # a hang would be a failure

    async def _next(self) -> tuple[str, str]:
        event = ""
        async for line in self.lines:
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                return event, line.removeprefix("data: ")
        raise AssertionError("stream ended")


async def test_streaming_health_says_ok(base: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(base + "/api/v1/streaming/health")
    assert response.status_code == 200
    assert response.text == "OK"


async def test_sse_user_stream_sends_update_then_delete(
    base: str, services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    async with (
        httpx.AsyncClient(timeout=30) as http,
        http.stream("GET", base + "/api/v1/streaming/user", headers=bob.headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.aiter_lines()
        assert await anext(lines) == ":)"
        await subscribed(services, f"user:{bob.id}")
        status = await s.post(services, alice, "streamed")
        stream = SSE(lines)
        event, data = await stream.next_event()
        assert event == "update"
        assert json.loads(data)["id"] == status["id"]
        assert json.loads(data)["content"] == "<p>streamed</p>"
        await s.delete(services, status)
        assert await stream.next_event() == ("delete", status["id"])


async def test_sse_private_status_never_reaches_a_non_follower(
    base: str, services: Services, make: Factory
) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    async with (
        httpx.AsyncClient(timeout=30) as http,
        http.stream("GET", base + "/api/v1/streaming/public", headers=carol.headers) as response,
    ):
        lines = response.aiter_lines()
        assert await anext(lines) == ":)"
        await subscribed(services, "public")
        secret = await s.post(services, alice, "secret", visibility="private")
        # the broker carries the private status to the channel; the stream must drop it
        await services.broker.publish("public", {"event": "update", "status_id": secret["id"]})
        shown = await s.post(services, alice, "hello all")
        event, data = await SSE(lines).next_event()
        assert (event, json.loads(data)["id"]) == ("update", shown["id"])


async def test_sse_user_stream_needs_a_token(base: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(base + "/api/v1/streaming/user")
    assert response.status_code == 401
    assert "error" in response.json()


async def test_sse_hashtag_stream_without_tag_is_a_json_error(base: str, make: Factory) -> None:
    alice = await make.person("alice")
    async with httpx.AsyncClient() as http:
        response = await http.get(base + "/api/v1/streaming/hashtag", headers=alice.headers)
    assert response.status_code == 400
    assert "error" in response.json()


# ---- a minimal WebSocket client (RFC 6455) -------------------------------------------------


class WS:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, headers: dict[str, str]
    ) -> None:
        self.reader, self.writer, self.headers = reader, writer, headers

    @classmethod
    async def connect(cls, base: str, path: str, protocol: str | None = None) -> WS:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        key = base64.b64encode(os.urandom(16)).decode()
        extra = f"Sec-WebSocket-Protocol: {protocol}\r\n" if protocol else ""
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\n{extra}\r\n"
            ).encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        status, *rest = head.strip().split("\r\n")
        assert " 101 " in status, head
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in rest)}
        return cls(reader, writer, headers)

    async def send(self, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(header + mask + masked)
        await self.writer.drain()

    async def receive(self) -> dict[str, Any]:
        return await asyncio.wait_for(self._receive(), SAFETY)

    async def _receive(self) -> dict[str, Any]:
        while True:
            first, second = await self.reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", await self.reader.readexactly(8))
            data = await self.reader.readexactly(length)
            if first & 0x0F == 0x1:
                decoded: dict[str, Any] = json.loads(data)
                return decoded

    def close(self) -> None:
        self.writer.close()


async def _ws(base: str, person: Person, *, query: bool) -> WS:
    if query:
        return await WS.connect(base, f"/api/v1/streaming?access_token={person.token}")
    return await WS.connect(base, "/api/v1/streaming", protocol=person.token)


async def test_websocket_subscribe_delivers_update_frames_with_json_string_payload(
    base: str, services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    ws = await _ws(base, bob, query=False)
    try:
        assert ws.headers["sec-websocket-protocol"] == bob.token
        await ws.send({"type": "subscribe", "stream": "user"})
        await ws.send({"type": "subscribe", "stream": "hashtag", "tag": "Coffee"})
        await subscribed(services, f"user:{bob.id}")
        await subscribed(services, "hashtag:coffee")
        status = await s.post(services, alice, "tagged", tags=("coffee",))
        frames = [await ws.receive(), await ws.receive()]
        streams = sorted(tuple(f["stream"]) for f in frames)
        assert streams == [("hashtag", "coffee"), ("user",)]
        for frame in frames:
            assert frame["event"] == "update"
            assert isinstance(frame["payload"], str)
            assert json.loads(frame["payload"])["id"] == status["id"]
    finally:
        ws.close()


async def test_websocket_rejects_private_stream_without_token_and_unknown_messages(
    base: str, make: Factory
) -> None:
    ws = await WS.connect(base, "/api/v1/streaming")
    try:
        await ws.send({"type": "subscribe", "stream": "user"})
        assert (await ws.receive())["status"] == 401
        await ws.send({"type": "dance"})
        assert (await ws.receive())["status"] == 400
    finally:
        ws.close()


async def test_websocket_drops_events_from_muted_accounts(
    base: str, services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.mute(services, bob, alice)
    ws = await _ws(base, bob, query=True)
    try:
        await ws.send({"type": "subscribe", "stream": "public:local"})
        await subscribed(services, "public:local")
        await s.post(services, alice, "muted")
        shown = await s.post(services, carol, "fine")
        frame = await ws.receive()
        assert json.loads(frame["payload"])["id"] == shown["id"]
    finally:
        ws.close()
