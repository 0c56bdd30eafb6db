"""Federation delivery at scale (issue 20, point 4): ``porina bench --only federation``.

One local brand with ``followers`` remote followers spread over ``servers`` remote servers
(each ``127.0.0.1:PORT``, named in ``PORINA_FEDERATION_ALLOW_HTTP_HOSTS``), all answered by
one receiver process (``python -m porina.bench.federation receive``: an asyncio HTTP/1.1
server on every port, 202 to each POST, verifying the HTTP signature of every
``VERIFY_EVERY``-th delivery against the brand's key). With shared inboxes (Mastodon's case)
one post is one delivery per server; ``--federation-no-shared-inbox`` makes it one per
follower.

Measured: seconds from the post's ``POST /api/v1/statuses`` to the last delivery received,
and the API's latency (``GET /api/v1/timelines/home`` of another account, ``LOAD_RATE``
requests a second, open loop) while idle (after ``WARM_SECONDS`` not counted) and while the
delivery runs. Targets: delivered
in under 60 s, the p99 during delivery within 2x of idle.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from porina.accounts.actions import NewAccount, create_account, hashed, issue_token
from porina.accounts.models import Account, Follow
from porina.bench.bulk import chunks
from porina.bench.server import Server, Stack
from porina.core.clock import now
from porina.core.ids import new_id
from porina.federation.signatures import (
    SignatureError,
    check_request,
    parse_signature,
    verify_signature,
)
from porina.services import build
from porina.settings import Settings

TARGET_S = 60.0
VERIFY_EVERY = 20
LOAD_RATE = 50.0
IDLE_SECONDS = 8.0
WARM_SECONDS = 2.0
WORKER_NICE = 10
Say = Callable[[str], None]


class _FederatingServer(Server):
    hosts = ""
    rate = 0.0
    worker = False
    """On SQLite: jobs run by a `porina worker` (niced) beside `porina serve`, not in it."""

    def env(self) -> dict[str, str]:
        extra = {"PORINA_RUN_JOBS_IN_PROCESS": "false"} if self.worker else {}
        return {
            **super().env(),
            "PORINA_FEDERATION_ALLOW_HTTP_HOSTS": self.hosts,
            "PORINA_FEDERATION_DELIVERIES_PER_SECOND": str(self.rate),
            **extra,
        }

    def spawn(self, command: str) -> None:
        """`porina serve`, or `porina worker --nice 10` (the API's requests first)."""
        if command != "worker":
            super().spawn(command)
            return
        log = (self.folder / "worker.log").open("ab")
        args = [sys.executable, "-m", "porina", "worker", "--nice", str(WORKER_NICE)]
        self.procs.append(subprocess.Popen(args, env=self.env(), stdout=log, stderr=log))

    async def start(self, workers: int = 1, *, serve_workers: int = 1) -> None:
        await super().start(workers, serve_workers=serve_workers)
        if self.worker and self.stack.name != "pg-redis":
            self.spawn("worker")


async def _local(server: Server, name: str) -> tuple[int, str]:
    settings = Settings(data_dir=server.folder, database_url=server.database_url)
    svc = build(settings)
    new = await hashed(
        NewAccount(username=name, email=f"{name}@bench.example", password="correct horse battery")
    )
    async with svc.db.transaction() as tx:
        account, user = await create_account(tx, new)
        token, _ = await issue_token(tx, user=user, app_id=None, scopes="read write")
    await svc.stop()
    return account.id, token


def _remote_rows(ports: list[int], followers: int, shared: bool) -> list[dict[str, Any]]:
    moment, rows = now(), []
    for n in range(followers):
        host = f"127.0.0.1:{ports[n % len(ports)]}"
        me = f"http://{host}/users/f{n}"
        rows.append(
            {
                "id": new_id(),
                "username": f"f{n}",
                "domain": host,
                "display_name": "",
                "created_at": moment,
                "uri": me,
                "url": me,
                "inbox_url": f"{me}/inbox",
                "shared_inbox_url": f"http://{host}/inbox" if shared else None,
                "fetched_at": moment,
            }
        )
    return rows


async def seed(server: Server, ports: list[int], followers: int, shared: bool) -> dict[str, Any]:
    """The brand (with a token), a reader (with a token) and the remote followers."""
    brand, brand_token = await _local(server, "kahvila")
    _, reader_token = await _local(server, "lukija")
    rows = _remote_rows(ports, followers, shared)
    moment = now()
    engine = create_async_engine(server.database_url)
    async with engine.begin() as conn:
        for batch in chunks(rows):
            await conn.execute(insert(Account), batch)
        follows = (
            {
                "id": new_id(),
                "account_id": r["id"],
                "target_account_id": brand,
                "created_at": moment,
            }
            for r in rows
        )
        for batch in chunks(follows):
            await conn.execute(insert(Follow), batch)
    await engine.dispose()
    return {"brand": brand, "brand_token": brand_token, "reader_token": reader_token}


class Receiver:
    """The remote servers: one asyncio HTTP/1.1 listener per port, keep-alive, 202 to every
    POST; ``GET /stats`` answers the counts, ``POST /key`` sets the sender's public key."""

    def __init__(self) -> None:
        self.received = 0
        self.verified = 0
        self.bad = 0
        self.first_at = 0.0
        self.last_at = 0.0
        self.hosts: set[str] = set()
        self.public_pem = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                answer = self.answer(method, path, headers, body)
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        if method == "GET" and path == "/stats":
            return _http(200, json.dumps(self.stats()).encode())
        if method == "POST" and path == "/key":
            self.public_pem = body.decode()
            return _http(204, b"")
        self.received += 1
        self.last_at = time.time()
        self.first_at = self.first_at or self.last_at
        self.hosts.add(headers.get("host", ""))
        if self.received % VERIFY_EVERY == 1:
            self.check(path, headers, body)
        return _http(202, b"")

    def check(self, path: str, headers: dict[str, str], body: bytes) -> None:
        try:
            sig = parse_signature(headers.get("signature"))
            check_request(sig, headers=headers, body=body, now=now())
            verify_signature(
                sig, method="POST", target=path, headers=headers, public_pem=self.public_pem
            )
            self.verified += 1
        except SignatureError:  # a bad signature is counted, anything else is a bug
            self.bad += 1

    def stats(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "servers": len(self.hosts),
            "verified": self.verified,
            "bad_signatures": self.bad,
            "first_at": self.first_at,
            "last_at": self.last_at,
        }


def _http(status: int, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status} OK\r\nContent-Length: {len(body)}\r\n"
    return (head + "Content-Type: application/json\r\n\r\n").encode() + body


async def receive(count: int, port_file: Path) -> None:
    """Listen on ``count`` ports (and a control port); write them to ``port_file``."""
    receiver = Receiver()
    servers = [await asyncio.start_server(receiver.handle, "127.0.0.1", 0) for _ in range(count)]
    control = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    data = {"ports": ports, "control": control.sockets[0].getsockname()[1]}
    await asyncio.to_thread(port_file.write_text, json.dumps(data))
    await asyncio.Event().wait()


async def _start_receiver(servers: int) -> tuple[asyncio.subprocess.Process, list[int], int]:
    port_file = Path(tempfile.mkdtemp(prefix="porina-bench-receivers-")) / "ports.json"
    module = "porina.bench.federation"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, "receive", str(servers), str(port_file)
    )
    for _ in range(600):
        text = await asyncio.to_thread(_read, port_file)
        if text:
            data = json.loads(text)
            return proc, list(data["ports"]), int(data["control"])
        await asyncio.sleep(0.1)
    proc.kill()
    raise SystemExit("porina bench: the federation receivers did not start")


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


async def _load(base: str, token: str, stop: asyncio.Event) -> list[tuple[float, float]]:
    """``(seconds since the start, milliseconds)`` of each ``GET /api/v1/timelines/home``,
    sent at ``LOAD_RATE`` a second (open loop: a slow answer does not slow the sending) until
    ``stop``."""
    out: list[tuple[float, float]] = []
    begun = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)

    async def one(client: httpx.AsyncClient) -> None:
        started = time.perf_counter()
        response = await client.get("/api/v1/timelines/home", headers=headers)
        response.raise_for_status()
        out.append((started - begun, (time.perf_counter() - started) * 1000))

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        tasks: list[asyncio.Task[None]] = []
        while not stop.is_set():
            tasks.append(asyncio.create_task(one(client)))
            due = begun + len(tasks) / LOAD_RATE
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        await asyncio.gather(*tasks)
    return out


def _percentiles(timed: list[tuple[float, float]]) -> dict[str, Any]:
    """p50 and p99, and when (seconds from the start) the five slowest were sent."""
    if not timed:
        return {"requests": 0}
    ordered = sorted(ms for _, ms in timed)
    worst = sorted(timed, key=lambda pair: -pair[1])[:5]

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "requests": len(ordered),
        "p50_ms": at(0.5),
        "p99_ms": at(0.99),
        "slowest_at_s_ms": [[round(t, 1), round(ms)] for t, ms in worst],
    }


async def _stats(client: httpx.AsyncClient, control: int) -> dict[str, Any]:
    """The receivers' counts, through the caller's client: making a client loads the
    certificate store (25-45 ms of CPU), which stalled the load's requests in this loop."""
    response = await client.get(f"http://127.0.0.1:{control}/stats")
    return dict(response.json())


async def _share_key(server: Server, control: int) -> None:
    """The brand's public key, from its actor document, for the receiver's checks."""
    accept = {"Accept": "application/activity+json"}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
        doc = (await client.get("/users/kahvila", headers=accept)).json()
        pem = doc["publicKey"]["publicKeyPem"]
        await client.post(f"http://127.0.0.1:{control}/key", content=pem.encode())


async def _idle(server: Server, token: str) -> dict[str, Any]:
    """The API idle: ``WARM_SECONDS`` of load not counted (the client's connections opened,
    the server's caches filled: their first requests were the idle phase's slowest and
    made its p99), then ``IDLE_SECONDS`` measured."""
    for seconds in (WARM_SECONDS, IDLE_SECONDS):
        stop = asyncio.Event()
        task = asyncio.create_task(_load(server.base_url, token, stop))
        await asyncio.sleep(seconds)
        stop.set()
        timed = await task
    return _percentiles(timed)


async def _first_post(client: httpx.AsyncClient, token: str) -> None:
    """A post by the reader (no remote followers: nothing is delivered), in the warm-up: a
    fresh ``porina serve`` builds its statements and caches on its first post, which a
    running server did long ago, and which made the measured phase's slowest requests."""
    auth = {"Authorization": f"Bearer {token}"}
    (
        await client.post("/api/v1/statuses", headers=auth, json={"status": "Warm"})
    ).raise_for_status()


async def _deliver(
    server: Server, world: dict[str, Any], control: int, expected: int, say: Say
) -> dict[str, Any]:
    """Post, and wait (at most 300 s) until ``expected`` deliveries arrived, under load. The
    load starts ``WARM_SECONDS`` before the post, not counted (its client's connections
    opened, as in the idle phase)."""
    stop = asyncio.Event()
    client = httpx.AsyncClient(base_url=server.base_url, timeout=60)
    began = time.perf_counter()
    load = asyncio.create_task(_load(server.base_url, world["reader_token"], stop))
    await _first_post(client, world["reader_token"])
    await asyncio.sleep(WARM_SECONDS)
    from_s = time.perf_counter() - began
    started = time.time()
    auth = {"Authorization": f"Bearer {world['brand_token']}"}
    posted = await client.post("/api/v1/statuses", headers=auth, json={"status": "Buns!"})
    posted.raise_for_status()
    stats = await _stats(client, control)
    said = time.time()
    while stats["received"] < expected and time.time() - started < 300:
        await asyncio.sleep(0.2)
        stats = await _stats(client, control)
        if time.time() - said > 5:
            say(f"  delivered {stats['received']:,} of {expected:,}")
            said = time.time()
    stop.set()
    await client.aclose()
    during = _percentiles([(t - from_s, ms) for t, ms in await load if t >= from_s])
    seconds = round(stats["last_at"] - started, 2) if stats["received"] else None
    return {"seconds": seconds, "expected": expected, **stats, "api_during": during}


async def measure(
    stack: Stack,
    followers: int,
    servers: int,
    shared: bool,
    say: Say,
    *,
    rate: float = 0.0,
    worker: bool = False,
) -> dict[str, Any]:
    say(f"[federation] {followers:,} remote followers on {servers:,} servers ...")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    receiver, ports, control = await _start_receiver(servers)
    try:
        federating = _FederatingServer(stack, "federation")
        federating.hosts = ",".join(f"127.0.0.1:{p}" for p in ports)
        federating.rate = rate
        federating.worker = worker
        async with federating as server:
            world = await seed(server, ports, followers, shared)
            await server.start()
            await _share_key(server, control)
            idle = await _idle(server, world["reader_token"])
            say(f"  idle API: {idle}")
            expected = min(servers, followers) if shared else followers
            result = await _deliver(server, world, control, expected, say)
            say(f"  delivered in {result['seconds']} s: {result}")
    finally:
        receiver.kill()
        await receiver.wait()
    load = os.getloadavg()
    return {
        "followers": followers,
        "servers": servers,
        "shared_inboxes": shared,
        "deliveries_per_second_limit": rate,
        "separate_worker": worker or stack.name == "pg-redis",
        "api_idle": idle,
        **result,
        "load_average_after": [round(x, 2) for x in load],
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = results.get("federation")
    if not found:
        return []
    seconds = found["seconds"]
    idle, during = found["api_idle"].get("p99_ms"), found["api_during"].get("p99_ms")
    ratio = round(during / idle, 2) if idle and during else None
    delivered = found["received"] >= found["expected"] and not found["bad_signatures"]
    return [
        {
            "name": f"one post to {found['followers']:,} followers on {found['servers']:,} "
            "servers, delivered (s)",
            "value": seconds,
            "target": f"< {TARGET_S}",
            "met": delivered and seconds is not None and seconds < TARGET_S,
        },
        {
            "name": "API p99 during delivery / idle",
            "value": ratio,
            "target": "<= 2",
            "met": ratio is not None and ratio <= 2,
        },
    ]


if __name__ == "__main__" and sys.argv[1:2] == ["receive"]:
    asyncio.run(receive(int(sys.argv[2]), Path(sys.argv[3])))
