"""Browser tests: a real ``porina serve`` (SQLite, in-process jobs) in a subprocess, driven by
Playwright through Debian's chromium. Screenshots go to ``test-artifacts/``; any console error
or uncaught page error fails the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PORINA_DATA_DIR=str(data_dir),
        PORINA_BASE_URL=f"http://127.0.0.1:{port}",
        PORINA_HOST="127.0.0.1",
        PORINA_PORT=str(port),
        PORINA_WORKERS="1",
        PORINA_RATE_LIMITS="false",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        message = "chromium missing: apt-get install -y chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("porina-browser")
    port = _free_port()
    env = _env(data_dir, port)
    migrate = subprocess.run(
        [sys.executable, "-m", "porina", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "porina", "serve"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / "browser-server.log")


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"porina serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/about", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"porina serve did not answer within 60 s:\n{log.read_text()}")


class ConsoleWatch:
    """Collects console errors and uncaught exceptions of every page in a context."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} @ {message.location}")


@pytest.fixture(scope="session")
def chromium(chromium_path: str) -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def new_page(chromium: Any, server: str, console: ConsoleWatch) -> Iterator[Any]:
    """``new_page(width=1280)``: a page in a fresh context (its own cookies)."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900, locale: str = "en-US") -> Any:
        context = chromium.new_context(
            base_url=server, viewport={"width": width, "height": height}, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert console.errors == [], "browser console errors:\n" + "\n".join(console.errors)
