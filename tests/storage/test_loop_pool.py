"""``LoopPool`` (PostgreSQL used from several event loops, as the tests do): each loop is
given back the connections it opened, never another loop's, and nothing stays open once
each loop has disposed of its own."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text

from porina.storage.db import Database

from ..conftest import PG_URL


async def _backend(db: Database) -> int:
    async with db.read() as session:
        pid: int = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        return pid


async def _open_backends(db: Database, pids: set[int]) -> set[int]:
    async with db.read() as session:
        rows = await session.execute(
            text("SELECT pid FROM pg_stat_activity WHERE pid = ANY(:pids)"), {"pids": list(pids)}
        )
        return {pid for (pid,) in rows}


@pytest.mark.postgres
def test_each_loop_reuses_its_own_connections_and_disposes_them() -> None:
    db = Database(PG_URL, pooled=False)
    seen: dict[str, list[int]] = {}

    async def on_another_loop() -> None:
        seen["other"] = [await _backend(db), await _backend(db)]
        await db.engine.dispose()

    async def here() -> None:
        seen["here"] = [await _backend(db), await _backend(db)]
        worker = threading.Thread(target=asyncio.run, args=(on_another_loop(),))
        worker.start()
        await asyncio.to_thread(worker.join)
        seen["here again"] = [await _backend(db)]  # the other loop's dispose kept this one's
        theirs = set(seen["other"])
        for _ in range(50):  # a closed backend leaves pg_stat_activity within moments
            if not await _open_backends(db, theirs):
                break
            await asyncio.sleep(0.1)
        seen["left open"] = sorted(await _open_backends(db, theirs))
        await db.dispose()

    asyncio.run(here())
    assert seen["here"][0] == seen["here"][1] == seen["here again"][0]
    assert seen["other"][0] == seen["other"][1]
    assert seen["other"][0] != seen["here"][0]
    assert seen["left open"] == []
