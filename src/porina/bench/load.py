"""HTTP load from separate processes: raw asyncio sockets, HTTP/1.1 keep-alive.

A general-purpose client (httpx) spends more CPU per request than the server's framework does,
so on a 2-core machine it would measure itself. Each driver process runs ``connections``
keep-alive connections for ``seconds`` and records each request's latency per endpoint.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import msgspec


@dataclass
class Plan:
    """One load phase: endpoint weights and what the requests need."""

    name: str
    weights: dict[str, float]
    seconds: float
    connections: int
    host: str
    port: int
    tokens: list[str]
    status_ids: list[int] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)  # statuses in threads (context)
    account_ids: list[int] = field(default_factory=list)  # authors with posts
    names: list[str] = field(default_factory=list)  # their usernames (profile pages)
    tags: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # words the posts hold (search)
    follow_ids: list[int] = field(default_factory=list)  # accounts to follow (few followers)
    paths: dict[str, str] = field(default_factory=dict)  # endpoint -> a fixed GET path (desk)
    status_pages: list[str] = field(default_factory=list)  # /@name/id of recent posts
    cookies: list[str] = field(default_factory=list)  # web session cookies of the clients
    lists: dict[str, int] = field(default_factory=dict)  # token -> its client's own list
    rate: float = 0.0  # requests a second over all connections; 0: each as fast as it can


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per endpoint, how many errors answered each status (``"500"``: 3)."""
    elapsed: float = 0.0


# endpoint -> (method, path); ``{status}``, ``{thread}``, ``{account}``, ``{name}``, ``{tag}``,
# ``{word}``, ``{follow}`` and ``{status_page}`` are filled from the seeded world, ``{list}``
# with the list of the request's own token (another's list is 404), ``{accounts}`` with
# ``id[]=`` of 5 to 20 authors. The ceiling's path is the ceiling app's own.
ENDPOINTS: dict[str, tuple[str, str]] = {
    "ceiling": ("GET", "/"),
    "health": ("GET", "/health"),
    "home": ("GET", "/api/v1/timelines/home?limit=20"),
    "status": ("GET", "/api/v1/statuses/{status}"),
    "context": ("GET", "/api/v1/statuses/{thread}/context"),
    "verify_credentials": ("GET", "/api/v1/accounts/verify_credentials"),
    "instance": ("GET", "/api/v1/instance"),
    "instance_v2": ("GET", "/api/v2/instance"),
    "account_statuses": ("GET", "/api/v1/accounts/{account}/statuses?limit=20"),
    "public": ("GET", "/api/v1/timelines/public?limit=20"),
    "public_local": ("GET", "/api/v1/timelines/public?local=true&limit=20"),
    "tag": ("GET", "/api/v1/timelines/tag/{tag}?limit=20"),
    "search": ("GET", "/api/v2/search?q={word}"),
    "notifications": ("GET", "/api/v1/notifications?limit=20"),
    "list": ("GET", "/api/v1/timelines/list/{list}?limit=20"),
    "favourites": ("GET", "/api/v1/favourites?limit=20"),
    "bookmarks": ("GET", "/api/v1/bookmarks?limit=20"),
    "relationships": ("GET", "/api/v1/accounts/relationships?{accounts}"),
    "conversations": ("GET", "/api/v1/conversations?limit=20"),
    "favourite": ("POST", "/api/v1/statuses/{status}/favourite"),
    "post": ("POST", "/api/v1/statuses"),
    "boost": ("POST", "/api/v1/statuses/{status}/reblog"),
    "follow": ("POST", "/api/v1/accounts/{follow}/follow"),
    "profile_page": ("GET", "/@{name}"),
    "local_page": ("GET", "/public/local"),
    "status_page": ("GET", "{status_page}"),
    "tag_page": ("GET", "/tags/{tag}"),
    "home_page": ("GET", "/home"),
}
# Pages are read as an anonymous visitor arriving from a shared link would: no token, no
# cookie, asking for HTML; the home page by a signed-in client (its web session's cookie).
PAGES = {"profile_page", "local_page", "status_page", "tag_page", "home_page"}
SIGNED_PAGES = {"home_page"}
UNSIGNED = {"ceiling", "health", *PAGES}


RELATIONSHIPS = (5, 20)  # accounts a relationships request asks about (a page's authors)


def _path(plan: Plan, endpoint: str, rng: random.Random, token: str) -> tuple[str, str]:
    if endpoint in plan.paths:
        return "GET", plan.paths[endpoint]
    method, template = ENDPOINTS[endpoint]
    if "{" not in template:
        return method, template
    asked: list[int] = []
    if "{accounts}" in template:
        many = min(len(plan.account_ids), rng.randint(*RELATIONSHIPS))
        asked = rng.sample(plan.account_ids, many)
    return method, template.format(
        status=rng.choice(plan.status_ids) if "{status}" in template else "",
        thread=rng.choice(plan.thread_ids) if "{thread}" in template else "",
        account=rng.choice(plan.account_ids) if "{account}" in template else "",
        name=rng.choice(plan.names) if "{name}" in template else "",
        tag=rng.choice(plan.tags) if "{tag}" in template else "",
        word=rng.choice(plan.words) if "{word}" in template else "",
        follow=rng.choice(plan.follow_ids) if "{follow}" in template else "",
        status_page=rng.choice(plan.status_pages) if "{status_page}" in template else "",
        list=plan.lists[token] if "{list}" in template else "",
        accounts="&".join(f"id[]={a}" for a in asked),
    )


def _request(plan: Plan, endpoint: str, rng: random.Random) -> bytes:
    token = rng.choice(plan.tokens) if endpoint not in UNSIGNED else ""
    method, path = _path(plan, endpoint, rng, token)
    body = b""
    if endpoint == "post":
        body = json.dumps({"status": f"bench post {rng.random():.9f}"}).encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: {plan.host}:{plan.port}\r\n"
    if endpoint in PAGES:
        head += "Accept: text/html,application/xhtml+xml\r\n"
    if endpoint in SIGNED_PAGES:
        head += f"Cookie: porina_session={rng.choice(plan.cookies)}\r\n"
    elif endpoint not in UNSIGNED:
        head += f"Authorization: Bearer {token}\r\n"
    if method == "POST":
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    marker = lower.find(b"content-length:")
    if marker >= 0:
        end = lower.find(b"\r\n", marker)
        await reader.readexactly(int(lower[marker + 15 : end]))
        return status
    if b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                return status
    return status


async def _connection(plan: Plan, endpoints: list[str], cum: list[float], out: Result) -> None:
    """Requests one after another on one connection: as fast as the answers come, or with
    ``plan.rate`` on a timetable (each connection its share, offset from the others). Paced,
    a request's latency counts from when the timetable said to send it, so a slow answer
    also counts against the requests it held up (no coordinated omission)."""
    rng = random.Random()
    reader, writer = await asyncio.open_connection(plan.host, plan.port)
    begin = time.perf_counter()
    deadline = begin + plan.seconds
    every = plan.connections / plan.rate if plan.rate > 0 else 0.0
    due = begin + rng.random() * every
    try:
        while time.perf_counter() < deadline:
            endpoint = rng.choices(endpoints, cum_weights=cum)[0]
            start = time.perf_counter()
            if every:
                if due > start:
                    await asyncio.sleep(due - start)
                start, due = due, due + every
            writer.write(_request(plan, endpoint, rng))
            status = await _read_response(reader)
            took = time.perf_counter() - start
            if status >= 400:
                out.errors[endpoint] = out.errors.get(endpoint, 0) + 1
                codes = out.error_statuses.setdefault(endpoint, {})
                codes[str(status)] = codes.get(str(status), 0) + 1
            else:
                out.latencies.setdefault(endpoint, []).append(took)
    finally:
        writer.close()


async def _drive(plan: Plan) -> Result:
    endpoints = list(plan.weights)
    cum: list[float] = []
    total = 0.0
    for name in endpoints:
        total += plan.weights[name]
        cum.append(total)
    out = Result()
    start = time.perf_counter()
    await asyncio.gather(*(_connection(plan, endpoints, cum, out) for _ in range(plan.connections)))
    out.elapsed = time.perf_counter() - start
    return out


def _process(plan_bytes: bytes) -> bytes:
    plan = msgspec.json.decode(plan_bytes, type=Plan)
    return msgspec.json.encode(asyncio.run(_drive(plan)))


def run(plan: Plan, processes: int) -> Result:
    """Run ``plan`` in ``processes`` driver processes; merge what they measured."""
    per = msgspec.json.encode(plan)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        parts = [msgspec.json.decode(r, type=Result) for r in pool.map(_process, [per] * processes)]
    merged = Result(elapsed=max(p.elapsed for p in parts))
    for part in parts:
        for name, values in part.latencies.items():
            merged.latencies.setdefault(name, []).extend(values)
        for name, n in part.errors.items():
            merged.errors[name] = merged.errors.get(name, 0) + n
        for name, codes in part.error_statuses.items():
            into = merged.error_statuses.setdefault(name, {})
            for code, n in codes.items():
                into[code] = into.get(code, 0) + n
    return merged


# A phase whose every request reads one of a fixed set of keys is warmed first: each key asked
# once, so the phase measures a server that has read each profile, post or home page before
# (as the home phase's feeds are warmed), not its first 8 seconds of first readings. The first
# reading's cost is measured in process (docs/performance.md).
WARMED = {
    "account_statuses": "account_ids",
    "profile_page": "names",
    "status_page": "status_pages",
    "home_page": "cookies",  # each signed-in reader's /home once (the API home is read twice)
    # each client's own list, favourites, bookmarks, conversations once (relationships draw
    # 5 to 20 of the 1,000 authors at random: no fixed set of keys to ask)
    "list": "tokens",
    "favourites": "tokens",
    "bookmarks": "tokens",
    "conversations": "tokens",
}


def warm(plan: Plan) -> int:
    """Ask each warmed endpoint of ``plan`` once for every key it draws from; the count. Its
    own event loop on a thread of its own: the bench calls it from inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _warm_all(plan)).result()


async def _warm_all(plan: Plan) -> int:
    asked = 0
    for endpoint in plan.weights:
        field_name = WARMED.get(endpoint)
        if field_name is not None:
            keys = list(dict.fromkeys(getattr(plan, field_name)))
            asked += await _warm(plan, endpoint, field_name, keys)
    return asked


async def _warm(plan: Plan, endpoint: str, field_name: str, keys: list[Any]) -> int:
    async def one_connection(share: list[Any]) -> None:
        rng = random.Random()
        reader, writer = await asyncio.open_connection(plan.host, plan.port)
        try:
            for key in share:
                writer.write(_request(_only(plan, field_name, key), endpoint, rng))
                await _read_response(reader)
        finally:
            writer.close()

    width = max(1, plan.connections)
    await asyncio.gather(*(one_connection(keys[n::width]) for n in range(width)))
    return len(keys)


def _only(plan: Plan, field_name: str, key: Any) -> Plan:
    """``plan`` with one key to draw from."""
    if field_name == "account_ids":
        return replace(plan, account_ids=[key])
    if field_name == "names":
        return replace(plan, names=[key])
    if field_name == "cookies":
        return replace(plan, cookies=[key])
    if field_name == "tokens":
        return replace(plan, tokens=[key])
    return replace(plan, status_pages=[key])


def summarise(result: Result) -> dict[str, dict[str, Any]]:
    """Per endpoint: requests, errors, throughput (req/s) and p50/p95/p99 in milliseconds."""
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(set(result.latencies) | set(result.errors)):
        values = sorted(result.latencies.get(name, []))
        out[name] = {
            "requests": len(values),
            "errors": result.errors.get(name, 0),
            "error_statuses": dict(sorted(result.error_statuses.get(name, {}).items())),
            "rps": round(len(values) / result.elapsed, 1) if result.elapsed else 0.0,
            "p50_ms": _pct(values, 0.50),
            "p95_ms": _pct(values, 0.95),
            "p99_ms": _pct(values, 0.99),
        }
    return out


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 2)
