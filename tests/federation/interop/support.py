"""Running peers that nobody here wrote (bovine, fediverse-pasture) against a Porina that
listens on a loopback port: the peers live in their own environment (``.venv-interop``,
``make install``; they pin an older ``cryptography`` than Porina), run as processes, and
Porina's test app is served in the test's own event loop by Granian's embedded server, so
the test still holds its database and job runner."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from granian.constants import Interfaces
from granian.server.embed import Server

from ...scale.support import ROOT

PYTHON = ROOT / ".venv-interop" / "bin" / "python"
HERE = Path(__file__).resolve().parent


SCRATCH = tempfile.gettempdir()
"""The peers' working directory: bovine keeps a JSON-LD cache file (bovine_jsonld_cache.sqlite)
in it, which does not belong in the checkout."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def interop_python() -> Path:
    """The interop environment's Python (a run without it fails: ``make install`` makes it)."""
    if not PYTHON.exists():
        pytest.fail(f"{PYTHON} is missing: `make install` makes it")
    return PYTHON


def _up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2.0)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not start")


@contextmanager
def peer_process(script: str, port: int, *args: str, probe: str = "/") -> Iterator[str]:
    """``script`` (beside this file) running on ``port`` with the interop Python; its
    ``host:port``. Its output goes to a log shown if it fails to start."""
    command = [str(interop_python()), str(HERE / script), str(port), *args]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=SCRATCH)
    try:
        _up(f"http://127.0.0.1:{port}{probe}")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@asynccontextmanager
async def served(app: Any, port: int) -> AsyncIterator[str]:
    """The app answering on 127.0.0.1:``port`` (its lifespan is the test's), in this loop."""
    server = Server(
        app, address="127.0.0.1", port=port, interface=Interfaces.ASGINL, log_enabled=False
    )
    task = asyncio.create_task(server.serve())
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as probe:
        for _ in range(400):
            try:
                await probe.get(f"{base}/health")
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.025)
    try:
        yield base
    finally:
        server.stop()
        await task
