"""A tiny HTTP/1.1 server on asyncio streams for the outbound client's tests: real sockets on
127.0.0.1, one request per connection (every answer says ``Connection: close``), a handler per
path. It records what it received."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


class Exchange:
    """One request and the connection to answer it on."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: Received
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.request = request

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def head(self, status: int = 200, headers: Mapping[str, str] | None = None) -> None:
        lines = [f"HTTP/1.1 {status} Status", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def respond(
        self, status: int = 200, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        await self.head(status, {"Content-Length": str(len(body)), **(headers or {})})
        await self.send(body)

    async def client_hung_up(self) -> bool:
        """Waits until the client closes its end; True if it did (EOF or reset)."""
        try:
            return await self.reader.read() == b""
        except ConnectionResetError:
            return True


Handler = Callable[[Exchange], Awaitable[None]]


def answer(
    body: bytes = b"", status: int = 200, headers: Mapping[str, str] | None = None
) -> Handler:
    async def handle(exchange: Exchange) -> None:
        await exchange.respond(status, body, headers)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    return answer(status=status, headers={"Location": location})


async def _read_request(reader: asyncio.StreamReader) -> Received:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    request_line, *header_lines = head.split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in filter(None, header_lines):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Received(method, target, headers, body)


@dataclass
class LocalServer:
    """``async with LocalServer({"/": answer(b"hi")}) as server``: listens on 127.0.0.1."""

    routes: Mapping[str, Handler]
    requests: list[Received] = field(default_factory=list)
    cut_off: int = 0
    """Connections the client closed while a handler was still writing or reading."""
    port: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> LocalServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def hostport(self) -> str:
        return f"localhost:{self.port}"

    def url(self, path: str = "/", *, scheme: str = "http", host: str = "localhost") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            request = await _read_request(reader)
            self.requests.append(request)
            handler = self.routes.get(request.path, answer(b"not found", 404))
            exchange = Exchange(reader, writer, request)
            await handler(exchange)
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
            self.cut_off += 1
        finally:
            writer.close()
            self._tasks.discard(task)
