"""Starting real `porina` processes against the test database and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from porina.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def scale_env(settings: Settings, prefix: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `porina` process sharing the test's database and Redis prefix."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        PORINA_DATA_DIR=str(settings.data_dir),
        PORINA_DATABASE_URL=settings.effective_database_url,
        PORINA_BASE_URL=settings.base_url,
        PORINA_SECRET_KEY="test-secret",
        PORINA_RATE_LIMITS="false",
        PORINA_JOBS="saq",
        PORINA_REDIS_URL=redis_url,
        PORINA_REDIS_PREFIX=prefix,
        PORINA_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, *args], env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT
    )


def stop(*procs: subprocess.Popen[bytes], sig: int | None = None) -> None:
    for proc in procs:
        if proc.poll() is None:
            if sig is None:
                proc.terminate()
            else:
                proc.send_signal(sig)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not reached in {timeout:.0f} s: {what}")
