"""The acceptance run: a real ``porina serve`` driven by Mastodon.py through
``shared/acceptance/mastodon_e2e.py``, exactly as an operator would start it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

E2E_SCRIPT = Path(__file__).resolve().parents[3] / "shared/acceptance/mastodon_e2e.py"
EXPECTED = "28 passed, 0 failed"
PASSWORD = "acceptance-password-1"
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]


@dataclass
class Server:
    base: str
    env: dict[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _porina(env: dict[str, str], *args: str) -> str:
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


def _server_env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PORINA_DATA_DIR=str(data_dir),
        PORINA_BASE_URL=f"http://127.0.0.1:{port}",
        PORINA_HOST="127.0.0.1",
        PORINA_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"porina serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/v2/instance", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"porina serve did not answer /api/v2/instance within 60 s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    env = _server_env(tmp_path / "data", port)
    _porina(env, "migrate")
    for name in ("alice", "bob"):
        _porina(
            env,
            "admin",
            "create-account",
            name,
            "--email",
            f"{name}@example.com",
            "--password",
            PASSWORD,
        )
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "porina", "serve"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield Server(base, env, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_mastodon_py_end_to_end_passes_every_check(server: Server) -> None:
    if not E2E_SCRIPT.exists():
        message = f"acceptance script not found at {E2E_SCRIPT}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    env = dict(server.env)
    env.update(
        BASE=server.base,
        USER_A="alice@example.com",
        PASS_A=PASSWORD,
        USER_B="bob@example.com",
        PASS_B=PASSWORD,
    )
    done = subprocess.run(
        [sys.executable, str(E2E_SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    lines = [line for line in done.stdout.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    assert last == EXPECTED, (
        f"mastodon_e2e.py ended with {last!r}\n--- e2e output ---\n{output}"
        f"\n--- server log ---\n{server.output()[-20000:]}"
    )
