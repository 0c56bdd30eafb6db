"""Reading a response body within a byte limit, decompressing as it comes.

Porina asks for ``Accept-Encoding: gzip`` only and inflates with a bounded output per step
(``zlib`` ``max_length``), so a small compressed body that inflates to gigabytes stops at the
limit plus one step instead of filling memory. The limit holds for the bytes on the wire and
for the decoded body alike; on the first byte over it, reading stops and the connection is
closed (the response is left unread, so httpcore does not return it to the pool).
"""

from __future__ import annotations

import zlib
from typing import Protocol

import httpx

from porina.http.errors import BadResponse, TooLarge

ACCEPT_ENCODING = "gzip"
GZIP_NAMES = frozenset({"gzip", "x-gzip"})


class Inflater(Protocol):
    """What Porina uses of a ``zlib.decompressobj``."""

    @property
    def unconsumed_tail(self) -> bytes: ...
    @property
    def eof(self) -> bool: ...
    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes: ...
    def flush(self, length: int = ..., /) -> bytes: ...


class _Body:
    """Collects decoded bytes and refuses the first one over the limit."""

    def __init__(self, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self.data = bytearray()

    def add(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > self.limit:
            raise TooLarge(
                f"{self.url} sent over {self.limit} bytes", details={"limit": self.limit}
            )

    @property
    def room(self) -> int:
        return self.limit - len(self.data) + 1


def _inflater(response: httpx.Response, url: str) -> Inflater | None:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in GZIP_NAMES:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    raise BadResponse(f"{url} answered in an encoding Porina did not ask for: {encoding}")


def _inflate(inflater: Inflater, raw: bytes, body: _Body) -> None:
    data = raw
    while data and not inflater.eof:
        body.add(inflater.decompress(data, body.room))
        data = inflater.unconsumed_tail


async def read_limited(response: httpx.Response, limit: int, url: str) -> bytes:
    """The whole body of ``response``, decoded; TooLarge past ``limit`` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"{url} announces {declared} bytes; the limit is {limit}")
    inflater = _inflater(response, url)
    wire = _Body(limit, url)
    body = wire if inflater is None else _Body(limit, url)
    try:
        async for raw in response.aiter_raw():
            wire.add(raw)
            if inflater is not None:
                _inflate(inflater, raw, body)
        if inflater is not None:
            body.add(inflater.flush())
    except zlib.error as exc:
        raise BadResponse(f"{url} sent a body that does not decompress: {exc}") from exc
    return bytes(body.data)
