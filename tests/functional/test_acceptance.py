"""The acceptance run: a real ``porina serve`` driven by Mastodon.py through
``shared/acceptance/mastodon_e2e.py``, exactly as an operator would start it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import free_port, porina, porina_env, serving

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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    env = porina_env(tmp_path / "data", free_port())
    porina(env, "migrate")
    for name in ("alice", "bob"):
        porina(
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
    with serving(env, log) as base:
        yield Server(base, env, log)


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
