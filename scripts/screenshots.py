"""Screenshots of Porina's main pages for the README: ``make screenshots``.

A fresh data folder, ``porina migrate``, ``porina demo`` and ``porina serve`` on a free port,
then Debian's chromium through Playwright signs in as the demo person Emma and saves each page
at 1280 px and 360 px wide, light and dark, into docs/screenshots/ as palette PNGs (small
enough to keep in the repository). Nothing outside the temporary folder is touched but
docs/screenshots/.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
LOGIN, PASSWORD = "emma@porina.example", "porina-demo"
SIZES = {"wide": (1280, 860), "phone": (360, 780)}
SCHEMES = ("light", "dark")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _porina(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "porina", *args], env=env, check=True)


@contextmanager
def _server(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env |= {
        "PORINA_DATA_DIR": str(data_dir),
        "PORINA_BASE_URL": f"http://127.0.0.1:{port}",
        "PORINA_PORT": str(port),
        "PORINA_WORKERS": "1",
        "PORINA_RATE_LIMITS": "false",
    }
    _porina(env, "migrate")
    _porina(env, "demo", "--if-empty")
    with (data_dir / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "porina", "serve"], env=env, stdout=log, stderr=log
        )
    base = env["PORINA_BASE_URL"]
    try:
        _wait(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("porina serve exited; see serve.log in the data folder")
        try:
            if httpx.get(base + "/about", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("porina serve did not answer within 90 s")


def _pages(base: str) -> dict[str, str]:
    """The pages to show: path by name. The thread is the café's open-mic post."""
    cafe = httpx.get(f"{base}/api/v1/accounts/lookup", params={"acct": "kahvila"}).json()
    posts = httpx.get(f"{base}/api/v1/accounts/{cafe['id']}/statuses", params={"limit": 40})
    thread = next(s for s in posts.json() if "open mic" in s["content"] and s["replies_count"])
    return {
        "home": "/home",
        "profile": "/@kahvila",
        "thread": f"/@kahvila/{thread['id']}",
        "notifications": "/notifications",
        "tag": "/tags/korvapuusti",
        "compose": "/compose",
    }


def _save(png: bytes, name: str) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=192, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path = OUT / f"{name}.png"
    small.save(path, optimize=True)
    return path.stat().st_size


def _sign_in(page: Any) -> None:
    page.goto("/auth/sign_in")
    page.fill("#login", LOGIN)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/home**")


def _shoot(browser: Any, base: str, pages: dict[str, str]) -> None:
    for scheme in SCHEMES:
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                base_url=base,
                viewport={"width": width, "height": height},
                color_scheme=scheme,
                locale="en-GB",
                timezone_id="Europe/Helsinki",
            )
            page = context.new_page()
            page.goto("/")
            page.wait_for_load_state("networkidle")
            _report(
                f"landing-{size}-{scheme}", _save(page.screenshot(), f"landing-{size}-{scheme}")
            )
            _sign_in(page)
            for name, path in pages.items():
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
                shot = f"{name}-{size}-{scheme}"
                _report(shot, _save(page.screenshot(), shot))
            context.close()


def _report(name: str, size: int) -> None:
    print(f"  docs/screenshots/{name}.png  {size // 1024} KB", flush=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="porina-shots-") as folder,
        _server(Path(folder)) as base,
    ):
        pages = _pages(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            try:
                _shoot(browser, base, pages)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
