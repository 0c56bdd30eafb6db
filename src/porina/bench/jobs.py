"""Job engine throughput: ``python -m porina.bench.jobs [N] [--stack pg-redis]``.

Queues N small real jobs (``timelines.unmerge`` of an absent follow: one DELETE each) in the
outbox, then times how long the embedded runner (in this process, 4 at once) and the SAQ
engine (two ``porina worker`` processes, 8 at once each) take to empty it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from porina.bench.server import Server, Stack
from porina.jobs import queue
from porina.jobs.models import Job
from porina.services import Services, build
from porina.settings import Settings


async def _fill(svc: Services, n: int) -> None:
    for start in range(0, n, 1000):
        async with svc.db.transaction() as tx:
            for i in range(start, min(n, start + 1000)):
                payload = {"follower_id": str(i + 1), "target_id": "1"}
                await queue.enqueue(tx, "timelines.unmerge", payload)


async def _left(svc: Services) -> int:
    async with svc.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Job)) or 0)


async def _wait_empty(svc: Services) -> None:
    while True:
        if not await _left(svc):
            return
        await asyncio.sleep(0.05)


async def measure(stack: Stack, n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    async with Server(stack, "jobs") as server:
        settings = Settings(data_dir=server.folder, database_url=server.database_url)
        svc = build(settings)
        await _fill(svc, n)
        started = time.perf_counter()
        svc.runner.start()
        await _wait_empty(svc)
        out["embedded_jobs_per_s"] = round(n / (time.perf_counter() - started), 1)
        await svc.runner.stop()
        await _fill(svc, n)
        env = {**server.env(), "PORINA_JOBS": "saq", "PORINA_REDIS_URL": stack.redis_url}
        env["PORINA_REDIS_PREFIX"] = server.prefix
        started = time.perf_counter()
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "porina", "worker", "--concurrency", "8", env=env
            )
            for _ in range(2)
        ]
        await _wait_empty(svc)
        out["saq_2_workers_jobs_per_s"] = round(n / (time.perf_counter() - started), 1)
        for proc in workers:
            proc.terminate()
            await proc.wait()
        await svc.stop()
    return out


def main(argv: list[str]) -> dict[str, Any]:
    count = int(argv[0]) if argv and argv[0].isdigit() else 5000
    kind = "pg-redis" if "--stack" in argv and "pg-redis" in argv else "sqlite"
    pg = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    started = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    print(f"[bench jobs] {count:,} jobs on {kind} ...", flush=True)
    figures = asyncio.run(measure(Stack(kind, pg, "redis://127.0.0.1:6379/0"), count))
    result = {"started": started, "stack": kind, "jobs": count, "cpus": os.cpu_count(), **figures}
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"jobs-{kind}-{started}.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    print(main(sys.argv[1:]), flush=True)
