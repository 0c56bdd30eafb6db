"""A job worker process for the durability test: ``python worker_proc.py DATABASE_URL DATA_DIR``."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from porina.services import build
from porina.settings import Settings
from tests.jobs import handlers  # noqa: F401 - registers the test handlers


async def main() -> None:
    settings = Settings(database_url=sys.argv[1], data_dir=Path(sys.argv[2]))
    svc = build(settings)
    svc.runner.lease = timedelta(seconds=1)
    svc.runner.concurrency = 1
    await svc.start(run_jobs=True)
    print("worker ready", flush=True)
    await asyncio.sleep(3600)


asyncio.run(main())
