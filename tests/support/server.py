"""Running the real ``porina`` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def porina_env(data_dir: Path, port: int, **settings: str) -> dict[str, str]:
    """This process's environment without PORINA_* leaking in, plus a data folder and port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PORINA_DATA_DIR=str(data_dir),
        PORINA_BASE_URL=f"http://127.0.0.1:{port}",
        PORINA_HOST="127.0.0.1",
        PORINA_PORT=str(port),
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


def porina(env: dict[str, str], *args: str) -> str:
    """Run ``porina ARGS``; fails the test with its output when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "porina", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"porina {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def serving(env: dict[str, str], log: Path, ready_path: str = "/api/v2/instance") -> Iterator[str]:
    """``porina serve`` running until the block ends; yields its base URL."""
    base = env["PORINA_BASE_URL"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "porina", "serve"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(base + ready_path, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"porina serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"porina serve did not answer {url} within 60 s:\n{log.read_text()}")
