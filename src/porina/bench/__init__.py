"""``porina bench``: seed a synthetic world, start the real server, drive HTTP load from other
processes, measure fan-out, and write JSON, Markdown and a PNG under ``bench/results/``.

See docs/performance.md for what each figure means and the latest results.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from porina.bench import (
    analytics,
    contests,
    desk,
    federation,
    load,
    login_flood,
    newsletter,
    report,
    streams,
    targets,
    web_pages,
)
from porina.bench.ceiling import Ceiling
from porina.bench.desk_seed import DeskSizes
from porina.bench.seed import Sizes, World, seed
from porina.bench.server import Server, Stack, free_port, idle_rss_after_demo

# One phase per row of issue 14's table, in its order; each endpoint alone, except the mix.
SINGLE = [
    "ceiling",  # the bare Litestar app on Granian (bench/ceiling.py): the denominator
    "health",  # Porina's own stack: GET /health
    "home",
    "status",
    "context",
    "verify_credentials",
    "instance",
    "instance_v2",
    "account_statuses",
    "public",
    "public_local",
    "tag",
    "search",
    "profile_page",
    "local_page",
    "status_page",
    "tag_page",
    "home_page",
    "notifications",
    "list",  # each client's own list (bench/seed.py: 20-50 accounts it follows)
    "favourites",
    "bookmarks",
    "relationships",  # id[]= of 5-20 authors
    "conversations",
    "favourite",
    "boost",
    "follow",
    "post",
]
PHASES: list[tuple[str, dict[str, float]]] = [
    *((name, {name: 1.0}) for name in SINGLE),
    ("mix", {"home": 70, "notifications": 10, "favourite": 10, "post": 10}),
    ("streaming", {}),  # open streams while posts arrive (bench/streams.py), first world only
]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="porina bench", description=__doc__)
    p.add_argument(
        "--stack",
        choices=["sqlite", "pg", "pg-redis"],
        default="sqlite",
        help="sqlite: embedded; pg: PostgreSQL, feeds and jobs in the database, one process; "
        "pg-redis: PostgreSQL, Redis feeds and broker, SAQ workers",
    )
    p.add_argument("--users", default="1000,100000", help="world sizes, comma-separated")
    p.add_argument("--posts", type=int, default=50_000)
    p.add_argument("--favourites", type=int, default=20_000)
    p.add_argument("--clients", type=int, default=64, help="accounts with tokens driving load")
    p.add_argument("--fanout", default="1000,10000,100000", help="follower counts to measure")
    p.add_argument("--seconds", type=float, default=8.0, help="length of each load phase")
    p.add_argument("--connections", type=int, default=16, help="per driver process")
    p.add_argument("--drivers", type=int, default=1, help="load driver processes")
    p.add_argument("--workers", type=int, default=1, help="`porina worker` processes (pg-redis)")
    p.add_argument(
        "--serve-workers",
        type=int,
        default=1,
        help="HTTP worker processes of `porina serve` (PORINA_WORKERS; more than 1 needs "
        "pg-redis: the embedded stacks run jobs and streaming in one process)",
    )
    p.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--out", type=Path, default=Path("bench/results"))
    p.add_argument("--no-memory", action="store_true", help="skip the idle-memory measurement")
    p.add_argument("--no-web-pages", action="store_true", help="skip the web page timings")
    p.add_argument("--no-login-flood", action="store_true", help="skip the login flood measurement")
    p.add_argument(
        "--login-flood-only",
        action="store_true",
        help="only the login flood (docs/performance.md), no worlds, memory or web pages",
    )
    p.add_argument("--flooders", type=int, default=8, help="clients in the login flood")
    p.add_argument("--streams", type=int, default=1000, help="open streams (streaming phase)")
    p.add_argument("--post-rate", type=float, default=50.0, help="posts a second (streaming)")
    p.add_argument(
        "--stream-seconds", type=float, default=20.0, help="length of the streaming phase"
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes, for CI smoke tests")
    _desk_options(p)
    p.add_argument(
        "--phases",
        default=",".join(name for name, _ in PHASES),
        help="load phases to run, comma-separated (the ceiling always runs: ratios need it)",
    )
    return p


def _desk_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--only",
        choices=["desk", "contests", "analytics", "federation", "newsletter"],
        help="desk: only the desk at scale (bench/desk.py), no social worlds, memory or pages;"
        " contests: only a contest's close at scale (bench/contests.py);"
        " analytics: only analytics at scale (bench/analytics.py);"
        " federation: only one post delivered to remote servers (bench/federation.py);"
        " newsletter: only a campaign sent to a local SMTP server (bench/newsletter.py)",
    )
    _federation_options(p)
    p.add_argument("--newsletter-recipients", type=int, default=100_000)
    p.add_argument(
        "--newsletter-rsa-recipients",
        type=int,
        default=5_000,
        help="a second campaign signed with RSA-2048 (0: skip)",
    )
    p.add_argument(
        "--analytics",
        action="store_true",
        help="also measure analytics at scale in a full run (it seeds for minutes)",
    )
    p.add_argument(
        "--impressions-off",
        action="store_true",
        help="serve with PORINA_ANALYTICS_IMPRESSIONS=false (compare a run with and without)",
    )
    p.add_argument("--analytics-statuses", type=int, default=1_000_000)
    p.add_argument("--analytics-events", type=int, default=10_000_000)
    p.add_argument("--no-contests", action="store_true", help="skip the contest close")
    p.add_argument("--contest-entrants", type=int, default=200_000)
    p.add_argument("--no-desk", action="store_true", help="skip the desk at scale")
    p.add_argument("--desk-conversations", type=int, default=100_000)
    p.add_argument("--desk-items", type=int, default=1_000_000)
    p.add_argument(
        "--desk-statuses", type=int, default=100_000, help="other posts by the desk's contacts"
    )


def _federation_options(p: argparse.ArgumentParser) -> None:
    """``--only federation``'s sizes and how its server delivers."""
    p.add_argument("--federation-followers", type=int, default=10_000)
    p.add_argument("--federation-servers", type=int, default=1_000)
    p.add_argument(
        "--federation-rate",
        type=float,
        default=0.0,
        help="PORINA_FEDERATION_DELIVERIES_PER_SECOND for the server (0: no limit)",
    )
    p.add_argument(
        "--federation-no-shared-inbox",
        action="store_true",
        help="remote followers without a shared inbox: one delivery per follower",
    )
    p.add_argument(
        "--federation-worker",
        action="store_true",
        help="SQLite: jobs in a `porina worker` beside `porina serve` (PostgreSQL + Redis has one)",
    )


def _phases(text: str) -> list[tuple[str, dict[str, float]]]:
    wanted = {"ceiling", *(x.strip() for x in text.split(",") if x.strip())}
    unknown = wanted - {name for name, _ in PHASES}
    if unknown:
        raise SystemExit(f"porina bench: unknown phase(s) {', '.join(sorted(unknown))}")
    return [(name, weights) for name, weights in PHASES if name in wanted]


def _sizes_list(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.quick:
        args.users, args.posts, args.favourites, args.clients = "300", 2000, 300, 8
        args.fanout, args.seconds, args.connections = "100", 1.0, 4
        args.flooders = min(args.flooders, 2)
        args.streams, args.post_rate, args.stream_seconds = 20, 10.0, 2.0
        args.desk_conversations, args.desk_items, args.desk_statuses = 50, 400, 500
        args.contest_entrants = 300
        args.analytics_statuses, args.analytics_events = 2000, 20_000
    results = asyncio.run(_run(args))
    stem = report.write(results, args.out)
    print(report.markdown(results), flush=True)
    print(f"results: {stem}.json, .md, .png", flush=True)
    return 0


async def _analytics(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    return await analytics.measure(stack, args.analytics_statuses, args.analytics_events, _say)


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _header(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "started": datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S"),
        "stack": args.stack,
        "drivers": args.drivers,
        "connections_per_driver": args.connections,
        "seconds_per_phase": args.seconds,
        "serve_workers": args.serve_workers,
        "impressions": not args.impressions_off,
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": _cpu_name(),
            "python": platform.python_version(),
        },
        "worlds": [],
        "fanout": [],
        "memory": None,
    }


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    stack = Stack(args.stack, args.database_url, args.redis_url, not args.impressions_off)
    results = _header(args)
    if args.only:
        return await _only(stack, args, results)
    worlds = [] if args.login_flood_only else _sizes_list(args.users)
    streaming = any(name == "streaming" for name, _ in _phases(args.phases))
    for n, users in enumerate(worlds):
        last = n == len(worlds) - 1
        fanout = [s for s in _sizes_list(args.fanout) if s <= users] if last else []
        clients = min(args.clients, users)
        sizes = Sizes(
            users=users,
            clients=clients,
            posts=args.posts,
            favourites=args.favourites,
            fanout=tuple(fanout),
            streamers=min(args.streams, users - clients) if streaming and n == 0 else 0,
        )
        world, rows = await _world(stack, sizes, args, results)
        results["worlds"].append(world)
        results["fanout"].extend(rows)
    if not args.no_login_flood:
        _say(f"login flood: {args.flooders} clients posting wrong passwords, probe on the side")
        results["login_flood"] = await login_flood.measure(args.flooders, args.seconds)
    if args.login_flood_only:
        results["targets"] = []
        return results
    if not args.no_memory:
        _say("idle memory after the demo seed")
        results["memory"] = {"rss_mb": await idle_rss_after_demo(stack)}
    if not args.no_web_pages:
        _say("web pages: server time of / and /home on the demo world")
        results["web_pages"] = await web_pages.measure(requests=50 if args.quick else 300)
    if not args.no_desk:
        results["desk"] = await _desk(stack, args)
    if not args.no_contests:
        results["contests"] = await contests.measure(stack, args.contest_entrants, _say)
    results["targets"] = _targets(results) + streams.targets(results) + web_pages.targets(results)
    results["targets"] += contests.targets(results)
    if args.analytics:
        results["analytics"] = await _analytics(stack, args)
        results["targets"] += analytics.targets(results)
    return results


async def _only(stack: Stack, args: argparse.Namespace, results: dict[str, Any]) -> dict[str, Any]:
    """``--only desk|contests|analytics``: that measurement alone."""
    if args.only == "desk":
        results["desk"] = await _desk(stack, args)
        results["targets"] = _targets(results)
    elif args.only == "federation":
        results["federation"] = await federation.measure(
            stack,
            args.federation_followers,
            args.federation_servers,
            not args.federation_no_shared_inbox,
            _say,
            rate=args.federation_rate,
            worker=args.federation_worker,
        )
        results["targets"] = federation.targets(results)
    elif args.only == "contests":
        results["contests"] = await contests.measure(stack, args.contest_entrants, _say)
        results["targets"] = contests.targets(results)
    elif args.only == "newsletter":
        results["newsletter"] = await newsletter.measure(
            stack, args.newsletter_recipients, args.newsletter_rsa_recipients, _say
        )
        results["targets"] = newsletter.targets(results)
    else:
        results["analytics"] = await _analytics(stack, args)
        results["targets"] = analytics.targets(results)
    return results


async def _desk(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    sizes = DeskSizes(
        conversations=args.desk_conversations,
        items=args.desk_items,
        customers=8 if args.quick else 64,
        statuses=args.desk_statuses,
    )
    return await desk.measure(stack, sizes, args, _say)


async def _world(
    stack: Stack, sizes: Sizes, args: argparse.Namespace, results: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    async with Server(stack, f"w{sizes.users}") as server, Ceiling(free_port()) as ceiling:
        _say(f"seeding {sizes.users:,} accounts, {sizes.posts:,} posts ...")
        started = time.perf_counter()
        world = await seed(server.database_url, sizes, server.base_url, random.Random(7))
        seed_seconds = round(time.perf_counter() - started, 1)
        _say(f"seeded in {seed_seconds} s: {world.rows}")
        await server.start(args.workers, serve_workers=args.serve_workers)
        _say(f"server up on port {server.port}; warming every client's home feed")
        await server.warm(world.tokens)
        await server.drain(_say)  # jobs the warm-up queued would take CPU from the ceiling
        phases = _load(args, server.port, ceiling.port, world)
        if world.streamers:
            await server.drain(_say)
            results["streaming"] = await _streaming(args, server, world)
        _say("draining the job queue (fan-out of the posts made under load) ...")
        drained = await server.drain(_say)
        _say(f"  {drained}")
        rows = []
        for size, (brand, token) in sorted(world.brands.items()):
            _say(f"fan-out to {size:,} followers ...")
            rows.append({"stack": args.stack, **await server.fanout(brand, token, size)})
            _say(f"  {rows[-1]}")
            await server.drain(_say)  # trims and streaming of this post, before the next
    return {
        "users": sizes.users,
        "seed_seconds": seed_seconds,
        "rows": world.rows,
        "phases": phases,
        "drain": drained,
    }, rows


def _load(args: argparse.Namespace, port: int, ceiling_port: int, world: World) -> dict[str, Any]:
    """The load phases; the ceiling first (the bare app, on its own port), then every phase
    against Porina, each endpoint's req/s as a share of the ceiling's."""
    authors = list(world.authors.items())[:1000]
    phases: dict[str, Any] = {}
    ceiling: float | None = None
    for name, weights in _phases(args.phases):
        if not weights:  # the streaming phase runs on its own (_streaming)
            continue
        plan = load.Plan(
            name=name,
            weights=weights,
            seconds=args.seconds,
            connections=args.connections,
            host="127.0.0.1",
            port=ceiling_port if name == "ceiling" else port,
            tokens=world.tokens,
            status_ids=world.status_ids[-5000:],
            thread_ids=world.thread_ids[-5000:],
            account_ids=[a for a, _ in authors],
            names=[n for _, n in authors],
            tags=world.tags,
            words=world.words,
            follow_ids=_follow_targets(world),
            status_pages=world.status_pages[-5000:],
            cookies=world.cookies,
            lists=dict(zip(world.tokens, world.list_ids, strict=True)),
        )
        if name != "ceiling" and (warmed := load.warm(plan)):
            _say(f"phase {name}: warmed, each of {warmed:,} pages asked once")
        _say(f"phase {name}: {args.seconds:.0f} s, {args.drivers}x{args.connections} conns")
        summary = load.summarise(load.run(plan, args.drivers))
        if name == "ceiling":
            ceiling = summary.get("ceiling", {}).get("rps")
        for stats in summary.values():
            stats["of_ceiling"] = report.ratio(stats["rps"], ceiling)
        phases[name] = summary
        _say(f"  {summary}")
    return phases


async def _streaming(args: argparse.Namespace, server: Server, world: World) -> dict[str, Any]:
    posters = list(zip(world.client_ids, world.tokens, strict=True))
    ids = [a for a, _ in world.streamers]
    follows = await streams.follows_of(server.database_url, ids, [a for a, _ in posters])
    plan = streams.Plan(
        host="127.0.0.1",
        port=server.port,
        seconds=args.stream_seconds,
        post_rate=args.post_rate,
        streams=streams.plan_streams(args.streams, world.streamers, follows, world.tags[:8]),
        posters=posters,
        tags=world.tags[:8],
    )
    _say(
        f"streaming: {args.streams} streams, posts at {args.post_rate:g}/s "
        f"for {args.stream_seconds:g} s, REST probe idle then beside them"
    )
    probe = {"tokens": world.tokens, "status_ids": world.status_ids[-5000:]}
    found = await asyncio.to_thread(streams.run, plan, probe)
    _say(f"  {found}")
    await server.drain(_say)
    return found


def _targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The social worlds' targets (bench/targets.py) when the run measured worlds, then the
    desk's."""
    if not results["worlds"]:
        return desk.targets(results)
    return targets.world_targets(results) + desk.targets(results)


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _follow_targets(world: World) -> list[int]:
    """Accounts the follow phase follows: recent authors that are not load clients (a client
    following itself is refused, 403)."""
    clients = set(world.client_ids)
    return [a for a in world.authors if a not in clients][-5000:]
