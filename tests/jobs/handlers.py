"""Job handlers used only by the jobs tests (registered on import)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from porina.jobs import queue
from porina.services import Services

CALLS: list[dict[str, Any]] = []


@queue.handler("test.record")
async def record(svc: Services, payload: dict[str, Any]) -> None:
    CALLS.append(payload)


@queue.handler("test.flaky")
async def flaky(svc: Services, payload: dict[str, Any]) -> None:
    CALLS.append(payload)
    raise RuntimeError("the remote end is down")


@queue.handler("test.slow_marker")
async def slow_marker(svc: Services, payload: dict[str, Any]) -> None:
    """Writes 'start'; the first time it then sleeps long enough to be killed mid-job."""
    marker = Path(payload["path"])
    first = not marker.exists()
    with marker.open("a") as fh:
        fh.write("start\n")
    if first:
        await asyncio.sleep(60)
    with marker.open("a") as fh:
        fh.write("done\n")
