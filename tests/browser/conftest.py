"""Browser tests: a real ``porina serve`` (SQLite, in-process jobs) in a subprocess, driven by
Playwright through Debian's chromium. Screenshots go to ``test-artifacts/``; any console error
or uncaught page error fails the test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from tests.support.server import free_port, porina, porina_env, serving

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
    env = porina_env(data_dir, free_port(), PORINA_WORKERS="1", PORINA_RATE_LIMITS="false")
    porina(env, "migrate")
    log = data_dir / "serve.log"
    try:
        with serving(env, log, ready_path="/about") as base:
            yield base
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if log.exists():
            shutil.copyfile(log, ARTIFACTS / "browser-server.log")


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
