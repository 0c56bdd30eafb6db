"""A `porina worker` on the SAQ engine with the test handlers loaded and a short lease:
``python saq_worker_proc.py`` with PORINA_* settings in the environment."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from porina.services import build
from porina.settings import load
from tests.scale import handlers  # noqa: F401 - registers the test handlers


async def main() -> None:
    svc = build(load())
    assert svc.engine is not None, "PORINA_JOBS must be saq"
    svc.engine.lease = timedelta(seconds=2)
    await svc.start(run_jobs=True)
    print("worker ready", flush=True)
    await asyncio.sleep(3600)


asyncio.run(main())
