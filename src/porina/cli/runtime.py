"""``porina worker``, ``migrate`` and ``bench``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal

from porina.bench import main as bench_main
from porina.services import build
from porina.settings import Settings
from porina.storage import migrate as migrations


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.effective_database_url)
    print("database is up to date", flush=True)
    return 0


def worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run jobs until SIGINT/SIGTERM; with ``--nice N`` at a lower CPU priority, so where it
    shares cores with `porina serve` the API's requests come first and the jobs (a large
    federation delivery, say) take what they leave (docs/performance.md, "Federation
    delivery")."""
    logging.basicConfig(level=settings.log_level)
    if args.nice > 0:
        os.nice(args.nice)

    async def run() -> None:
        svc = build(settings)
        svc.runner.concurrency = args.concurrency
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await svc.start(run_jobs=True)
        print(
            f"porina worker {svc.runner.name} running {args.concurrency} jobs at once", flush=True
        )
        await stop.wait()
        await svc.stop()

    asyncio.run(run())
    return 0


def bench(settings: Settings, args: argparse.Namespace) -> int:
    return bench_main(list(args.rest))
