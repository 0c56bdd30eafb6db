"""Job handlers for the scale-engine tests (registered on import, also by the worker script)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from porina.jobs import queue
from porina.notifications.notify import notify
from porina.services import Services


@queue.handler("test.notify_then_stall")
async def notify_then_stall(svc: Services, payload: dict[str, Any]) -> None:
    """Notifies (committed), writes 'start'; the first time it then stalls long enough to be
    killed mid-job, so the retry runs the notification again."""
    async with svc.db.transaction() as tx:
        await notify(
            tx,
            int(payload["recipient"]),
            int(payload["sender"]),
            "mention",
            dedupe=f"test:{payload['key']}",
        )
    marker = Path(payload["path"])
    if _append(marker, "start"):
        await asyncio.sleep(120)
    _append(marker, "done")


def _append(marker: Path, word: str) -> bool:
    """Append a line; True when the file was new."""
    first = not marker.exists()
    with marker.open("a") as fh:
        fh.write(word + "\n")
    return first
