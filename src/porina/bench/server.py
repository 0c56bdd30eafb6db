"""The real server for the benchmark: a fresh database, ``porina migrate``, ``porina serve``
as a subprocess (plus ``porina worker`` on PostgreSQL + Redis), and fan-out measurements read
straight from the feed store."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import redis.asyncio as aioredis
from sqlalchemy import bindparam, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.storage import migrate

_FEED_COUNT = text("SELECT count(*) FROM home_feed WHERE status_id = :s")
_FEED_SAMPLE_COUNT = text(
    "SELECT count(*) FROM home_feed WHERE status_id = :s AND account_id IN :who"
).bindparams(bindparam("who", expanding=True))
_JOBS_LEFT = text("SELECT count(*) FROM jobs WHERE idempotency_key = :k")


@dataclass
class Stack:
    name: str  # "sqlite", "pg" (PostgreSQL, the rest embedded) or "pg-redis"
    admin_url: str
    redis_url: str
    impressions: bool = True
    """False: the servers run with ``PORINA_ANALYTICS_IMPRESSIONS=false`` (the cost of
    counting impressions, issue 17)."""

    @property
    def postgres(self) -> bool:
        return self.name in {"pg", "pg-redis"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


class Server:
    def __init__(self, stack: Stack, label: str) -> None:
        self.stack = stack
        self.folder = Path(tempfile.mkdtemp(prefix=f"porina-bench-{label}-"))
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.prefix = f"porina-bench-{uuid.uuid4().hex[:8]}:"
        self.db_name = f"porina_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        if stack.postgres:
            # the admin URL's server and options (a unix socket's ``?host=``), this database
            named = make_url(stack.admin_url).set(database=self.db_name)
            self.database_url = named.render_as_string(hide_password=False)
        else:
            self.database_url = f"sqlite+aiosqlite:///{self.folder / 'porina.db'}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.serve_workers = 1

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
        env.update(
            PORINA_DATA_DIR=str(self.folder),
            PORINA_DATABASE_URL=self.database_url,
            PORINA_BASE_URL=self.base_url,
            PORINA_PORT=str(self.port),
            PORINA_RATE_LIMITS="false",
            PORINA_LOG_LEVEL="WARNING",
            PORINA_SECRET_KEY="bench",
            PORINA_WORKERS=str(self.serve_workers),
        )
        if not self.stack.impressions:
            env["PORINA_ANALYTICS_IMPRESSIONS"] = "false"
        if self.stack.name == "pg-redis":
            env.update(
                PORINA_REDIS_URL=self.stack.redis_url,
                PORINA_REDIS_PREFIX=self.prefix,
                PORINA_FEED_STORE="redis",
                PORINA_BROKER="redis",
                PORINA_JOBS="saq",
                PORINA_RUN_JOBS_IN_PROCESS="false",
            )
        return env

    async def __aenter__(self) -> Server:
        if self.stack.postgres:
            await _admin(self.stack.admin_url, f'CREATE DATABASE "{self.db_name}"')
        await asyncio.to_thread(migrate.upgrade, self.database_url)
        return self

    async def start(self, workers: int = 1, *, serve_workers: int = 1) -> None:
        """``porina serve`` with ``serve_workers`` HTTP processes, and ``workers`` job
        workers on PostgreSQL + Redis."""
        if serve_workers > 1 and self.stack.name != "pg-redis":
            raise SystemExit("porina bench: --serve-workers > 1 needs --stack pg-redis")
        self.serve_workers = serve_workers
        self.spawn("serve")
        if self.stack.name == "pg-redis":
            for _ in range(workers):
                self.spawn("worker")
        await _wait_http(f"{self.base_url}/health")

    async def drain(self, say: Any, seconds: float = 1800.0) -> dict[str, Any]:
        """Wait until the job queue is empty (the fan-out of every post made during the load
        phases), so a fan-out measurement does not queue behind them. Returns how many jobs
        were waiting and how long they took."""
        engine = create_async_engine(self.database_url)
        count = text("SELECT count(*) FROM jobs WHERE state <> 'failed'")
        started = time.perf_counter()
        first: int | None = None
        last_said = 0.0
        left = 0
        try:
            while time.perf_counter() - started < seconds:
                async with engine.connect() as conn:
                    left = int(await conn.scalar(count) or 0)
                first = left if first is None else first
                if not left:
                    break
                if time.perf_counter() - last_said > 5:
                    say(f"  draining jobs: {left:,} left")
                    last_said = time.perf_counter()
                await asyncio.sleep(0.25)
        finally:
            await engine.dispose()
        took = round(time.perf_counter() - started, 1)
        return {"jobs_waiting": first or 0, "seconds": took, "left": left}

    def spawn(self, command: str) -> None:
        log = (self.folder / f"{command}.log").open("ab")
        self.procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "porina", command], env=self.env(), stdout=log, stderr=log
            )
        )

    async def warm(self, tokens: list[str]) -> None:
        """One home page per client: builds each feed and warms the server's caches."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=120) as client:
            for token in tokens:
                auth = {"Authorization": f"Bearer {token}"}
                await client.get("/api/v1/timelines/home", headers=auth)
                await client.get("/api/v1/timelines/home", headers=auth)

    async def fanout(self, brand: int, token: str, followers: int) -> dict[str, Any]:
        """Post as ``brand``; seconds until the post is in every follower's home feed, and
        until its fan-out job finished (streaming events included)."""
        engine = create_async_engine(self.database_url)
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT account_id FROM follows WHERE target_account_id = :b"), {"b": brand}
            )
            people = [int(r[0]) for r in rows]
        started = time.perf_counter()
        async with httpx.AsyncClient(base_url=self.base_url, timeout=120) as client:
            response = await client.post(
                "/api/v1/statuses",
                headers={"Authorization": f"Bearer {token}"},
                json={"status": f"to all {followers} of you"},
            )
        response.raise_for_status()
        sid = int(response.json()["id"])
        check = _RedisCheck(self, brand, people, sid) if self.stack.name == "pg-redis" else None
        feeds = job = None
        sample = random.Random(sid).sample(people, min(_RedisCheck.SAMPLE, len(people)))
        count, in_sample, left = _FEED_COUNT, _FEED_SAMPLE_COUNT, _JOBS_LEFT
        key = f"timelines.fanout:{sid}"  # the fan-out job's key (timelines/subscribers.py)
        deadline = started + 300
        while (feeds is None or job is None) and time.perf_counter() < deadline:
            async with engine.connect() as conn:
                if feeds is None:
                    if check is not None:
                        done = await check.done()
                    elif sample:  # a sample first, as _RedisCheck does
                        n = await conn.scalar(in_sample, {"s": sid, "who": sample})
                        sample = [] if int(n or 0) >= len(sample) else sample
                        done = False
                    else:
                        n = await conn.scalar(count, {"s": sid})
                        done = int(n or 0) >= len(people)
                    if done:
                        feeds = round(time.perf_counter() - started, 3)
                if job is None and not await conn.scalar(left, {"k": key}):
                    job = round(time.perf_counter() - started, 3)
                    # the job deletes its row only after every feed took the post
                    feeds = job if feeds is None else feeds
            # Polling costs CPU the server needs on a small machine: 10 times a second.
            await asyncio.sleep(0.1)
        if check is not None:
            await check.close()
        await engine.dispose()
        return {"followers": len(people), "feeds_seconds": feeds, "job_seconds": job}

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.stack.postgres:
            await _admin(
                self.stack.admin_url, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'
            )
        if self.stack.name == "pg-redis":
            client = aioredis.from_url(self.stack.redis_url)
            keys = [k async for k in client.scan_iter(match=f"{self.prefix}*", count=5000)]
            for start in range(0, len(keys), 5000):
                await client.delete(*keys[start : start + 5000])
            await client.aclose()
        shutil.rmtree(self.folder, ignore_errors=True)


# KEYS: feeds; ARGV: member. Returns the positions (1-based) of feeds without the member.
_MISSING = """
local out = {}
for i, key in ipairs(KEYS) do
  if not redis.call('ZSCORE', key, ARGV[1]) then out[#out + 1] = i end
end
return out
"""


class _RedisCheck:
    """Which followers' Redis feeds do not hold the post yet: a Lua script checks a chunk of
    feeds server-side (one round trip per 5,000 feeds), and only the missing are re-checked.

    While a sample of the feeds still lacks the post, only the sample is polled: checking
    all 100,000 feeds ten times a second would take the Redis core away from the fan-out
    being measured. Once the sample is complete every feed is checked, and "done" means all
    of them hold the post."""

    SAMPLE = 500

    def __init__(self, server: Server, brand: int, people: list[int], sid: int) -> None:
        self.client = aioredis.from_url(server.stack.redis_url)
        self.script = self.client.register_script(_MISSING)
        self.member = f"{sid:020d}:{sid}:{brand}"
        self.pending = [f"{server.prefix}feed:{p}" for p in people]
        self.sample = random.Random(sid).sample(self.pending, min(self.SAMPLE, len(people)))

    async def done(self) -> bool:
        if self.sample:
            self.sample = await self._missing(self.sample)
            if self.sample:
                return False
        self.pending = await self._missing(self.pending)
        return not self.pending

    async def _missing(self, feeds: list[str]) -> list[str]:
        left: list[str] = []
        for start in range(0, len(feeds), 5000):
            chunk = feeds[start : start + 5000]
            missing = await self.script(keys=chunk, args=[self.member])
            left.extend(chunk[int(i) - 1] for i in missing)
        return left

    async def close(self) -> None:
        await self.client.aclose()


async def _wait_http(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} in {seconds:.0f} s")


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (Granian runs workers as children)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(c) for c in children.read_text().split()] if children.exists() else []
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total + sum(_tree_rss_kb(k) for k in kids)


async def idle_rss_after_demo(stack: Stack) -> float | None:
    """Embedded `porina serve` (SQLite), idle after `porina demo`: resident MB."""
    server = Server(Stack("sqlite", stack.admin_url, stack.redis_url), "memory")
    async with server:
        env = server.env()
        demo = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porina",
            "demo",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await demo.wait()
        await server.start()
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            await client.get("/health")
            await client.get("/api/v1/timelines/public")
        await asyncio.sleep(3)
        try:
            return round(_tree_rss_kb(server.procs[0].pid) / 1024, 1)
        except OSError:
            return None
