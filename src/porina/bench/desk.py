"""The desk at scale (issue 16): the inbox views and a conversation page as ratios of the
ceiling, and the delay from a customer's post to its inbox item under the standard load.

A fresh database, the desk world of ``bench/desk_seed.py`` (one brand, 100,000 conversations,
1,000,000 items by default), a real ``porina serve`` and the ceiling app beside it. Then:

- one load phase per desk request, each alone, as ``porina bench`` measures every endpoint
  (``load.py``: raw keep-alive sockets from driver processes, agents' tokens acting as the
  brand): ``GET /api/porina/v1/desk/conversations`` for each view (mine, unassigned,
  mentioned, all) with ``status=open``, ``all`` with ``status=resolved``, the next page of
  ``all`` (the ``Link`` header's ``rel="next"``), and ``GET …/conversations/:id`` of the
  longest conversation (its first page: the latest 20 items) and of a short one; each req/s
  over the ceiling's (target ≥ 0.15);
- the delay: the standard load (the bench's ``mix`` phase: home 70 %, notifications 10 %,
  favourites 10 %, posts 10 %, from half of the customers' tokens) runs in driver processes
  while the other customers, one at a time, ``POST /api/v1/statuses`` mentioning the brand;
  the probe then polls the ``all``/``open`` view (``limit=1``) until that customer's
  conversation is on top. The delay is from sending the POST to the poll that shows it
  (target p99 < 1 s).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from porina.bench import load, report
from porina.bench.ceiling import Ceiling
from porina.bench.desk_seed import BRAND, DeskSizes, DeskWorld, seed_desk
from porina.bench.server import Server, Stack, free_port
from porina.bench.web_pages import percentile

BASE = "/api/porina/v1/desk/conversations"
RATIO_TARGET = 0.15
DELAY_TARGET_S = 1.0
MIX = {"home": 70.0, "notifications": 10.0, "favourite": 10.0, "post": 10.0}


def _paths(world: DeskWorld) -> dict[str, str]:
    views = {f"desk_{v}_open": f"{BASE}?view={v}&status=open&limit=20" for v in _VIEWS}
    return {
        **views,
        "desk_all_resolved": f"{BASE}?view=all&status=resolved&limit=20",
        "desk_long_conversation": f"{BASE}/{world.long_id}",
        "desk_short_conversation": f"{BASE}/{world.short_id}",
    }


_VIEWS = ("mine", "unassigned", "mentioned", "all")


async def _next_page(client: httpx.AsyncClient, token: str) -> str:
    """The ``rel="next"`` path of the ``all``/``open`` view's first page."""
    response = await client.get(
        f"{BASE}?view=all&status=open&limit=20", headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    link = response.headers["link"].split(";", 1)[0].strip("<>")
    return link[link.index(BASE) :]


async def _check(client: httpx.AsyncClient, world: DeskWorld, paths: dict[str, str]) -> None:
    """Every path answers 200 with content (a measurement of refusals would be no measure)."""
    auth = {"Authorization": f"Bearer {world.staff_tokens[0]}"}
    for name, path in paths.items():
        response = await client.get(path, headers=auth)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: GET {path} answered {response.status_code}")
        for _ in range(20):  # warm-up, as the ceiling has
            await client.get(path, headers=auth)


def _phase(
    name: str, port: int, world: DeskWorld, paths: dict[str, str], args: Any
) -> dict[str, Any]:
    plan = load.Plan(
        name=name,
        weights={name: 1.0},
        seconds=args.seconds,
        connections=args.connections,
        host="127.0.0.1",
        port=port,
        tokens=world.staff_tokens,
        paths=paths,
    )
    return load.summarise(load.run(plan, args.drivers))[name]


def _ratios(
    args: Any, ports: tuple[int, int], world: DeskWorld, paths: dict[str, str], say: Any
) -> dict[str, Any]:
    """Each desk request alone, after the ceiling; ``ports`` are Porina's and the ceiling's."""
    port, ceiling_port = ports
    out: dict[str, Any] = {}
    say(f"desk phase ceiling: {args.seconds:.0f} s")
    ceiling = _phase("ceiling", ceiling_port, world, {}, args)
    ceiling["of_ceiling"] = 1.0
    out["ceiling"] = ceiling
    for name, path in paths.items():
        say(f"desk phase {name}: {args.seconds:.0f} s")
        stats = _phase(name, port, world, paths, args)
        stats["of_ceiling"] = report.ratio(stats["rps"], ceiling["rps"])
        stats["path"] = path
        out[name] = stats
        say(f"  {stats}")
    return out


async def _probe(
    client: httpx.AsyncClient, staff: str, customer: tuple[int, str, int], n: int
) -> tuple[float, float] | None:
    """Seconds from sending the customer's post to its answer, and to the poll that shows its
    conversation on top of the inbox; None when it was not there within 30 s."""
    _, token, conversation = customer
    auth = {"Authorization": f"Bearer {staff}"}
    view = f"{BASE}?view=all&status=open&limit=1"
    started = time.perf_counter()
    response = await client.post(
        "/api/v1/statuses",
        headers={"Authorization": f"Bearer {token}"},
        json={"status": f"@{BRAND} where is my order? ({n})"},
    )
    response.raise_for_status()
    posted = time.perf_counter() - started
    while time.perf_counter() - started < 30:
        top = (await client.get(view, headers=auth)).json()
        if top and top[0]["id"] == str(conversation):
            return posted, time.perf_counter() - started
        await asyncio.sleep(0.005)
    return None


async def _delay(port: int, world: DeskWorld, args: Any, say: Any) -> dict[str, Any]:
    half = len(world.customers) // 2
    loaders, probers = world.customers[:half], world.customers[half:]
    seconds = max(args.seconds, 10.0) if not args.quick else args.seconds
    plan = load.Plan(
        name="mix",
        weights=MIX,
        seconds=seconds,
        connections=args.connections,
        host="127.0.0.1",
        port=port,
        tokens=[t for _, t, _ in loaders],
        status_ids=world.status_ids,
    )
    say(f"desk delay: posts mentioning @{BRAND} beside the mix load ({seconds:.0f} s)")
    running = asyncio.create_task(asyncio.to_thread(load.run, plan, args.drivers))
    delays: list[float] = []
    posts: list[float] = []
    missed = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        await asyncio.sleep(1.0)  # the drivers' processes start
        n = 0
        while not running.done():
            took = await _probe(client, world.staff_tokens[0], probers[n % len(probers)], n)
            n += 1
            if took is None:
                missed += 1
            else:
                posts.append(took[0] * 1000)
                delays.append(took[1] * 1000)
            await asyncio.sleep(0.2)
    mix = load.summarise(await running)
    return {
        "probes": len(delays),
        "missed": missed,
        "p50_ms": percentile(delays, 50) if delays else None,
        "p99_ms": percentile(delays, 99) if delays else None,
        "max_ms": round(max(delays), 2) if delays else None,
        "post_p50_ms": percentile(posts, 50) if posts else None,
        "post_p99_ms": percentile(posts, 99) if posts else None,
        "load": mix,
    }


async def measure(
    stack: Stack, sizes: DeskSizes, args: Any, say: Callable[[str], None]
) -> dict[str, Any]:
    """Seed the desk world, serve it, and measure the ratios and the delay."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per probe request else
    async with Server(stack, "desk") as server, Ceiling(free_port()) as ceiling:
        say(f"desk: seeding {sizes.conversations:,} conversations, {sizes.items:,} items ...")
        started = time.perf_counter()
        world = await seed_desk(server.database_url, sizes, server.base_url, random.Random(16))
        seed_seconds = round(time.perf_counter() - started, 1)
        say(f"desk: seeded in {seed_seconds} s: {world.rows}")
        await server.start(args.workers)
        paths = _paths(world)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
            paths["desk_all_open_next"] = await _next_page(client, world.staff_tokens[0])
            await _check(client, world, paths)
        ratios = _ratios(args, (server.port, ceiling.port), world, paths, say)
        delay = await _delay(server.port, world, args, say)
        say(f"  delay {delay}")
    return {
        "conversations": sizes.conversations,
        "items": sizes.items,
        "seed_seconds": seed_seconds,
        "rows": world.rows,
        "phases": ratios,
        "delay": delay,
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = results.get("desk")
    if not found:
        return []
    out = []
    for name, stats in found["phases"].items():
        if name == "ceiling":
            continue
        value = stats.get("of_ceiling")
        met = value is not None and value >= RATIO_TARGET and stats["errors"] == 0
        out.append(
            {
                "name": f"{name} / ceiling",
                "value": value,
                "target": f">= {RATIO_TARGET}",
                "met": met,
            }
        )
    p99 = found["delay"]["p99_ms"]
    seconds = None if p99 is None else round(p99 / 1000, 3)
    met = seconds is not None and seconds < DELAY_TARGET_S and not found["delay"]["missed"]
    out.append(
        {
            "name": "desk: customer post to inbox item p99 (s), standard load",
            "value": seconds,
            "target": f"< {DELAY_TARGET_S:g}",
            "met": met,
        }
    )
    return out


def markdown(results: dict[str, Any]) -> list[str]:
    found = results.get("desk")
    if not found:
        return []
    lines = [
        f"## The desk at scale ({found['conversations']:,} conversations, "
        f"{found['items']:,} items)",
        "",
        f"Seeded in {found['seed_seconds']} s: {found['rows']}",
        "",
        "| request | req/s | of ceiling | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in found["phases"].items():
        lines.append(
            f"| {name} `{s.get('path', '/')}` | {s['rps']} | {s.get('of_ceiling')} "
            f"| {s['p50_ms']} | {s['p99_ms']} | {s['errors']} |"
        )
    d = found["delay"]
    lines += [
        "",
        f"Customer post → inbox item (under the mix load): {d['probes']} probes, "
        f"p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms, max {d['max_ms']} ms, missed {d['missed']}; "
        f"of which the POST itself answered in p50 {d.get('post_p50_ms')} ms, "
        f"p99 {d.get('post_p99_ms')} ms (the item is written in the post's transaction)",
        "",
    ]
    return lines
