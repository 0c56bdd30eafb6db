"""Streaming under load (issue 14, item 5): ``streams`` open streams on one ``porina serve``
while posts arrive at ``post_rate`` a second.

Half the streams are Server-Sent Events (``GET /api/v1/streaming/<kind>``), half WebSockets
(``/api/v1/streaming`` and a ``subscribe`` message); by kind, two in five are ``user``, and
``public``, ``public:local`` and ``hashtag`` one in five each, every stream signed in as a
seeded account of its own (accounts are reused only when there are fewer than streams).
Posts come from the bench's client accounts, the most followed of the world, so ``user``
streams get the posts of the accounts they follow; every fourth post carries a hashtag the
``hashtag`` streams watch.

Each post's text holds a sequence number (``sbq<n>q``); the driver notes the moment it sends
the ``POST`` and the moment each stream first sees that number, so a delivery's delay is the
whole way: request, commit, fan-out job, broker, rendering, socket. Expected deliveries are
worked out from the follow graph (a ``user`` stream: posts of the accounts it follows; public
streams: every post; a hashtag stream: the posts with its tag).

A REST probe (``GET /api/v1/statuses/:id`` and ``/api/v1/timelines/home``,
``PROBE_CONNECTIONS`` connections, ``load.py``, ``PROBE_RATE`` requests a second on a
timetable) runs once with nothing open,
then while the streams are open and the posts arrive; its p99 under the streams over idle is
the second figure.

The driver is one asyncio loop on raw sockets (as ``load.py``: an HTTP client library would
spend more CPU per event than the server does) in a process of its own; it scans what
arrives for the sequence markers and does not parse the JSON.
"""

from __future__ import annotations

import asyncio
import base64
import json
import multiprocessing
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.bench import load

MARK = re.compile(rb"sbq(\d+)q")
KINDS = ("user", "public", "user", "public:local", "hashtag")
SSE_PATH = {"user": "user", "public": "public", "public:local": "public/local"}
TAG_EVERY = 4
POST_CONNECTIONS = 32
GRACE_SECONDS = 5.0
PROBE_RATE = 50.0
"""The REST probe's requests a second, idle and beside the streams: light load, as the issue
words it, a client's reads and not a second benchmark. Run flat out (until 2026-12-07), four
requests were always waiting, so its p99 measured how the serve process's time was shared
between the probe and the streams rather than how long a client's read waits. Paced, a slow
answer counts against every request due meanwhile (``load.Plan.rate``)."""
PROBE_CONNECTIONS = 16
"""The probe's connections: each sends a request every 320 ms, so one slower than that
delays the next on its connection (counted: latency runs from when a request was due), as
a client with that many connections would see; with 4 (80 ms each) a loaded server's
queue behind the probe's own connections grew for the whole run."""


@dataclass
class Spec:
    """One stream: SSE or WebSocket, which stream, as whom."""

    transport: str  # "sse" or "ws"
    kind: str  # "user", "public", "public:local", "hashtag"
    token: str
    account_id: int
    tag: str = ""
    follows: list[int] = field(default_factory=list)  # posters it follows (user streams)


@dataclass
class Plan:
    host: str
    port: int
    seconds: float
    post_rate: float
    streams: list[Spec]
    posters: list[tuple[int, str]]  # (account id, token)
    tags: list[str]


@dataclass
class Outcome:
    connected: int = 0
    failed: int = 0
    posts: int = 0
    post_errors: int = 0
    post_latencies: list[float] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)
    delays_by: dict[str, list[float]] = field(default_factory=dict)  # per "transport kind"
    arrived: int = 0
    expected: int = 0
    by_transport: dict[str, list[int]] = field(default_factory=dict)  # [arrived, expected]
    posting_seconds: float = 0.0


def plan_streams(
    count: int, accounts: list[tuple[int, str]], follows: dict[int, list[int]], tags: list[str]
) -> list[Spec]:
    """``count`` streams over ``accounts`` (id, token), in the mix the module describes."""
    out: list[Spec] = []
    for i in range(count):
        aid, token = accounts[i % len(accounts)]
        kind = KINDS[(i // 2) % len(KINDS)]
        out.append(
            Spec(
                transport="sse" if i % 2 == 0 else "ws",
                kind=kind,
                token=token,
                account_id=aid,
                tag=tags[i % len(tags)] if kind == "hashtag" else "",
                follows=follows.get(aid, []) if kind == "user" else [],
            )
        )
    return out


async def follows_of(
    database_url: str, accounts: list[int], posters: list[int]
) -> dict[int, list[int]]:
    """Which of ``posters`` each of ``accounts`` follows (what its ``user`` stream expects)."""
    query = text(
        "SELECT account_id, target_account_id FROM follows "
        "WHERE account_id IN :who AND target_account_id IN :posters"
    ).bindparams(bindparam("who", expanding=True), bindparam("posters", expanding=True))
    engine = create_async_engine(database_url)
    out: dict[int, list[int]] = {}
    try:
        async with engine.connect() as conn:
            for start in range(0, len(accounts), 500):
                rows = await conn.execute(
                    query, {"who": accounts[start : start + 500], "posters": posters}
                )
                for follower, target in rows:
                    out.setdefault(int(follower), []).append(int(target))
    finally:
        await engine.dispose()
    return out


class _Seen:
    """What one stream has seen, and when."""

    def __init__(self, sent: dict[int, float], delays: list[float]) -> None:
        self.sent = sent
        self.delays = delays
        self.seqs: set[int] = set()
        self.carry = b""

    def scan(self, data: bytes) -> None:
        moment = time.perf_counter()
        buf = self.carry + data
        for match in MARK.finditer(buf):
            seq = int(match.group(1))
            if seq in self.seqs:
                continue
            self.seqs.add(seq)
            started = self.sent.get(seq)
            if started is not None:
                self.delays.append(moment - started)
        self.carry = buf[-24:]


async def _sse(plan: Plan, spec: Spec, seen: _Seen, ready: asyncio.Event) -> None:
    if spec.kind == "hashtag":
        path = f"/api/v1/streaming/hashtag?tag={spec.tag}"
    else:
        path = f"/api/v1/streaming/{SSE_PATH[spec.kind]}"
    reader, writer = await asyncio.open_connection(plan.host, plan.port, limit=1 << 20)
    try:
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {plan.host}:{plan.port}\r\n"
                f"Authorization: Bearer {spec.token}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if head[9:12] != b"200":
            raise ConnectionError(head[:12].decode(errors="replace"))
        await reader.readuntil(b":)")  # the server has subscribed
        ready.set()
        while data := await reader.read(65536):
            seen.scan(data)
    finally:
        writer.close()


def _frame(text: bytes) -> bytes:
    """A masked client text frame."""
    mask = os.urandom(4)
    n = len(text)
    size = bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big")
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(text))
    return b"\x81" + size + mask + body


async def _ws(plan: Plan, spec: Spec, seen: _Seen, ready: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection(plan.host, plan.port, limit=1 << 20)
    key = base64.b64encode(os.urandom(16)).decode()
    try:
        writer.write(
            (
                f"GET /api/v1/streaming HTTP/1.1\r\nHost: {plan.host}:{plan.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Authorization: Bearer {spec.token}\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if head[9:12] != b"101":
            raise ConnectionError(head[:12].decode(errors="replace"))
        message: dict[str, str] = {"type": "subscribe", "stream": spec.kind}
        if spec.tag:
            message["tag"] = spec.tag
        writer.write(_frame(json.dumps(message).encode()))
        ready.set()  # no acknowledgement: the driver waits a moment before posting
        while data := await reader.read(65536):
            seen.scan(data)
    finally:
        writer.close()


async def _post(
    plan: Plan, seq: int, conns: asyncio.Queue[Any], sent: dict[int, float], out: Outcome
) -> tuple[int, int, str] | None:
    """Send post ``seq``; its author and tag when it was created."""
    author, token = plan.posters[seq % len(plan.posters)]
    tag = plan.tags[(seq // TAG_EVERY) % len(plan.tags)] if seq % TAG_EVERY == 0 else ""
    text = f"streaming check sbq{seq}q" + (f" #{tag}" if tag else "")
    body = json.dumps({"status": text}).encode()
    reader, writer = await conns.get()
    try:
        start = time.perf_counter()
        sent[seq] = start
        writer.write(
            (
                f"POST /api/v1/statuses HTTP/1.1\r\nHost: {plan.host}:{plan.port}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        status = await load._read_response(reader)
        out.post_latencies.append(time.perf_counter() - start)
    finally:
        conns.put_nowait((reader, writer))
    if status >= 400:
        out.post_errors += 1
        return None
    out.posts += 1
    return seq, author, tag


def _expected(spec: Spec, posts: list[tuple[int, int, str]]) -> set[int]:
    if spec.kind in {"public", "public:local"}:
        return {seq for seq, _, _ in posts}
    if spec.kind == "hashtag":
        return {seq for seq, _, tag in posts if tag == spec.tag}
    follows = set(spec.follows)
    return {seq for seq, author, _ in posts if author in follows or author == spec.account_id}


async def _open(plan: Plan, seen: list[_Seen]) -> tuple[list[asyncio.Task[None]], list[bool]]:
    """Open every stream (about 500 a second); which were ready within a minute."""
    ready = [asyncio.Event() for _ in plan.streams]
    tasks = []
    for spec, s, r in zip(plan.streams, seen, ready, strict=True):
        run = _sse if spec.transport == "sse" else _ws
        tasks.append(asyncio.create_task(run(plan, spec, s, r)))
        await asyncio.sleep(0.002)
    waits = [asyncio.create_task(r.wait()) for r in ready]
    await asyncio.wait(waits, timeout=60)
    for wait in waits:
        wait.cancel()
    await asyncio.sleep(1.0)  # the WebSockets' subscriptions register
    return tasks, [r.is_set() for r in ready]


async def _post_all(plan: Plan, sent: dict[int, float], out: Outcome) -> list[tuple[int, int, str]]:
    """Posts at ``post_rate`` for ``seconds`` (on schedule, whatever the answers take)."""
    conns: asyncio.Queue[Any] = asyncio.Queue()
    for _ in range(POST_CONNECTIONS):
        conns.put_nowait(await asyncio.open_connection(plan.host, plan.port))
    begin = time.perf_counter()
    posting = []
    for seq in range(int(plan.seconds * plan.post_rate)):
        delay = begin + seq / plan.post_rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        posting.append(asyncio.create_task(_post(plan, seq, conns, sent, out)))
    posts = [p for p in await asyncio.gather(*posting) if p is not None]
    out.posting_seconds = round(time.perf_counter() - begin, 2)
    while not conns.empty():
        conns.get_nowait()[1].close()
    return posts


async def _drive(plan: Plan, started: Any) -> Outcome:
    out = Outcome()
    sent: dict[int, float] = {}
    seen = [
        _Seen(sent, out.delays_by.setdefault(f"{spec.transport} {spec.kind}", []))
        for spec in plan.streams
    ]
    tasks, ready = await _open(plan, seen)
    out.connected = sum(ready)
    out.failed = len(ready) - out.connected
    started.set()
    posts = await _post_all(plan, sent, out)
    await _settle(plan, seen, posts)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    out.delays = [d for delays in out.delays_by.values() for d in delays]
    for spec, s, ok in zip(plan.streams, seen, ready, strict=True):
        if not ok:
            continue
        want = _expected(spec, posts)
        got = len(want & s.seqs)
        out.arrived += got
        out.expected += len(want)
        tally = out.by_transport.setdefault(f"{spec.transport} {spec.kind}", [0, 0])
        tally[0] += got
        tally[1] += len(want)
    return out


async def _settle(plan: Plan, seen: list[_Seen], posts: list[tuple[int, int, str]]) -> None:
    """Wait (up to ``GRACE_SECONDS``) for the last posts to arrive everywhere."""
    deadline = time.perf_counter() + GRACE_SECONDS
    wants = [(_expected(spec, posts), s) for spec, s in zip(plan.streams, seen, strict=True)]
    while time.perf_counter() < deadline:
        if all(want <= s.seqs for want, s in wants):
            return
        await asyncio.sleep(0.2)


def _process(plan_bytes: bytes, started: Any) -> bytes:
    plan = msgspec.json.decode(plan_bytes, type=Plan)
    return msgspec.json.encode(asyncio.run(_drive(plan, started)))


def _probe(port: int, seconds: float, probe: dict[str, Any]) -> dict[str, Any]:
    plan = load.Plan(
        name="probe",
        weights={"status": 1.0, "home": 1.0},
        seconds=seconds,
        connections=PROBE_CONNECTIONS,
        rate=PROBE_RATE,
        host="127.0.0.1",
        port=port,
        **probe,
    )
    return load.summarise(load.run(plan, 1))


def run(plan: Plan, probe: dict[str, Any]) -> dict[str, Any]:
    """Idle probe, then the streams with posts and the probe beside them; a JSON-able dict."""
    idle = _probe(plan.port, min(plan.seconds, 8.0), probe)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(1) as pool:
        started = manager.Event()
        pending = pool.apply_async(_process, (msgspec.json.encode(plan), started))
        started.wait(120)
        loaded = _probe(plan.port, max(1.0, plan.seconds * 0.8), probe)
        outcome = msgspec.json.decode(pending.get(plan.seconds + 300), type=Outcome)
    return summary(plan, outcome, idle, loaded)


def summary(
    plan: Plan, out: Outcome, idle: dict[str, Any], loaded: dict[str, Any]
) -> dict[str, Any]:
    delays = sorted(out.delays)
    posts = sorted(out.post_latencies)
    rest: dict[str, Any] = {}
    for name in sorted(set(idle) | set(loaded)):
        before = idle.get(name, {}).get("p99_ms")
        after = loaded.get(name, {}).get("p99_ms")
        rest[name] = {
            "idle_p99_ms": before,
            "loaded_p99_ms": after,
            "idle_rps": idle.get(name, {}).get("rps"),
            "loaded_rps": loaded.get(name, {}).get("rps"),
            "ratio": round(after / before, 2) if before and after else None,
            "errors": idle.get(name, {}).get("errors", 0) + loaded.get(name, {}).get("errors", 0),
        }
    return {
        "streams": len(plan.streams),
        "post_rate": plan.post_rate,
        "seconds": plan.seconds,
        "connected": out.connected,
        "failed": out.failed,
        "posts": out.posts,
        "post_errors": out.post_errors,
        "posts_per_s": round(out.posts / out.posting_seconds, 1) if out.posting_seconds else None,
        "post_p50_ms": load._pct(posts, 0.50),
        "post_p99_ms": load._pct(posts, 0.99),
        "deliveries": out.arrived,
        "expected": out.expected,
        "delivery_p50_ms": load._pct(delays, 0.50),
        "delivery_p99_ms": load._pct(delays, 0.99),
        "delivery_max_ms": load._pct(delays, 1.0),
        "by_stream": {
            k: _by_stream(v, out.delays_by.get(k, [])) for k, v in out.by_transport.items()
        },
        "rest": rest,
        "load_average": list(os.getloadavg()),
    }


def _by_stream(tally: list[int], delays: list[float]) -> dict[str, Any]:
    """One kind of stream's deliveries and their delays (``user`` streams wait for the fan-out
    job; the others get a post from its commit)."""
    ordered = sorted(delays)
    return {
        "arrived": tally[0],
        "expected": tally[1],
        "delay_p50_ms": load._pct(ordered, 0.50),
        "delay_p99_ms": load._pct(ordered, 0.99),
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = results.get("streaming")
    if not found:
        return []
    p99 = found["delivery_p99_ms"]
    ratios = [r["ratio"] for r in found["rest"].values() if r["ratio"] is not None]
    worst = max(ratios) if ratios else None
    n = found["streams"]
    return [
        {
            "name": f"stream delivery p99 (ms), {n} streams",
            "value": p99,
            "target": "<= 500",
            "met": p99 is not None and p99 <= 500 and found["deliveries"] == found["expected"],
        },
        {
            "name": f"REST p99 under {n} streams / idle",
            "value": worst,
            "target": "<= 2.0",
            "met": worst is not None and worst <= 2.0,
        },
    ]


def markdown(results: dict[str, Any]) -> list[str]:
    found = results.get("streaming")
    if not found:
        return []
    lines = [
        "## Streaming under load",
        "",
        f"{found['streams']} streams ({found['connected']} connected, {found['failed']} failed), "
        f"posts at {found['post_rate']}/s for {found['seconds']:g} s: {found['posts']} posted "
        f"({found['posts_per_s']}/s, {found['post_errors']} errors; POST p50 "
        f"{found['post_p50_ms']} ms, p99 {found['post_p99_ms']} ms). Load average "
        f"{[round(x, 2) for x in found['load_average']]}.",
        "",
        f"Deliveries {found['deliveries']:,} of {found['expected']:,} expected; delay p50 "
        f"{found['delivery_p50_ms']} ms, p99 {found['delivery_p99_ms']} ms, max "
        f"{found['delivery_max_ms']} ms.",
        "",
        "| REST probe | idle p99 ms | under streams p99 ms | ratio | idle req/s | loaded req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in found["rest"].items():
        lines.append(
            f"| {name} | {r['idle_p99_ms']} | {r['loaded_p99_ms']} | {r['ratio']} "
            f"| {r['idle_rps']} | {r['loaded_rps']} |"
        )
    lines += [
        "",
        "| stream | arrived | expected | delay p50 ms | delay p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, tally in sorted(found["by_stream"].items()):
        lines.append(
            f"| {name} | {tally['arrived']:,} | {tally['expected']:,} "
            f"| {tally.get('delay_p50_ms')} | {tally.get('delay_p99_ms')} |"
        )
    lines.append("")
    return lines
