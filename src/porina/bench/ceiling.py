"""The benchmark's ceiling: a bare Litestar app on Granian, one worker, one ``GET /`` returning
a fixed list of 20 msgspec Structs as JSON, and nothing else (no middleware, no database, no
OpenAPI). Granian is started the way ``porina serve`` starts it (ASGI, one worker, no access
log), so the only difference between the two servers is the application: every figure of a
benchmark run is reported as a ratio of this one (issue 14, point 1).

``python -m porina.bench.ceiling PORT`` serves it; ``Ceiling`` runs it beside Porina for the
length of a world.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from types import TracebackType

import httpx
import msgspec
from granian import Granian
from granian.constants import Interfaces
from litestar import Litestar, get

PATH = "/"


class Item(msgspec.Struct):
    id: str
    name: str
    count: int
    public: bool


ITEMS = [
    Item(id=str(100000 + n), name=f"item {n}", count=n * 3, public=n % 2 == 0) for n in range(20)
]


@get(PATH, sync_to_thread=False)
def items() -> list[Item]:
    return ITEMS


app = Litestar(route_handlers=[items], openapi_config=None)


def serve(port: int) -> None:
    Granian(
        "porina.bench.ceiling:app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        log_access=False,
        websockets=True,
    ).serve()


class Ceiling:
    """The ceiling server as a subprocess on ``port``, for an ``async with`` block; answered
    ``WARM`` requests before it is measured, as Porina's server has (its warm-up)."""

    WARM = 500

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Ceiling:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porina.bench.ceiling",
            str(self.port),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await _wait(f"http://127.0.0.1:{self.port}{PATH}", self.WARM)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def _wait(url: str, warm: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    for _ in range(warm):
                        await client.get(url)
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the ceiling app did not answer {url} in {seconds:.0f} s")


if __name__ == "__main__":
    serve(int(sys.argv[1]))
