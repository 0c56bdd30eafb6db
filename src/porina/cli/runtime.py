"""``porina serve``, ``worker``, ``migrate`` and ``bench``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal

from granian import Granian
from granian.constants import Interfaces

from porina.app import load_domain_jobs
from porina.services import build
from porina.settings import Settings
from porina.storage import migrate as migrations


def serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if args.host:
        os.environ["PORINA_HOST"] = host
    print(
        f"Porina is serving on http://{host}:{port}  (public address: {settings.base_url})",
        flush=True,
    )
    Granian(
        "porina.app:app_from_env",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        log_access=False,
        websockets=True,
    ).serve()
    return 0


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.effective_database_url)
    print("database is up to date", flush=True)
    return 0


def worker(settings: Settings, args: argparse.Namespace) -> int:
    logging.basicConfig(level=settings.log_level)
    load_domain_jobs()

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
    from porina.bench import main as bench_main  # noqa: PLC0415 - heavy, only for this command

    return bench_main(list(args.rest))
