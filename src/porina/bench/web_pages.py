"""Server time of the web app's timeline pages on the demo world (issue 4, point 5).

A fresh SQLite data directory, ``porina migrate``, ``porina demo`` (the seed ``make run``
uses), then a real ``porina serve`` in a subprocess. Requests go one at a time (latency, not
throughput) to:

- ``GET /``: the landing page, anonymous (what Porina is + the local timeline, 20 posts);
- ``GET /home``: a demo person's home timeline (20 posts), signed in through the sign-in form.

The figure is the page's own ``Server-Timing: app;dur=`` header (``web/security.py``: from the
request reaching the application to the response starting, database and template included);
the client's round trip is reported beside it. ``measure()`` returns a JSON-able dict;
``markdown()`` and ``targets()`` let ``porina bench`` report it.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from porina.demo.seed import DEMO_PASSWORD, email_of

TARGET_MS = 50.0
PAGES = (("landing", "/", False), ("home", "/home", True))
READER = "emma"  # a demo person who follows enough people for a full 20-post home page
_TIMING = re.compile(r"(?:^|,)\s*app;[^,]*?dur=([0-9.]+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(folder: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PORINA_DATA_DIR=str(folder),
        PORINA_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'porina.db'}",
        PORINA_BASE_URL=f"http://127.0.0.1:{port}",
        PORINA_HOST="127.0.0.1",
        PORINA_PORT=str(port),
        PORINA_WORKERS="1",
        PORINA_RATE_LIMITS="false",
        PORINA_LOG_LEVEL="WARNING",
        PORINA_SECRET_KEY="bench-web-pages",
    )
    return env


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return round(ordered[rank - 1], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": round(max(values), 2),
    }


def server_ms(response: httpx.Response) -> float | None:
    found = _TIMING.search(response.headers.get("server-timing", ""))
    return float(found.group(1)) if found else None


async def _wait_up(client: httpx.AsyncClient, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"porina serve exited with {process.returncode}")
        try:
            if (await client.get("/about")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("porina serve did not answer within 60 s")


async def _sign_in(client: httpx.AsyncClient, username: str) -> None:
    await client.get("/auth/sign_in")
    response = await client.post(
        "/auth/sign_in",
        data={
            "_csrf_token": client.cookies.get("porina_csrf") or "",
            "login": email_of(username),
            "password": DEMO_PASSWORD,
            "next": "/home",
        },
    )
    if response.status_code != 303:
        raise RuntimeError(f"demo sign-in failed: {response.status_code}")


async def _page(client: httpx.AsyncClient, path: str, requests: int, warmup: int) -> dict[str, Any]:
    server: list[float] = []
    round_trip: list[float] = []
    posts = 0
    for n in range(warmup + requests):
        started = time.perf_counter()
        response = await client.get(path, headers={"accept": "text/html"})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        timing = server_ms(response)
        if n >= warmup and timing is not None:
            server.append(timing)
            round_trip.append(elapsed)
        posts = response.text.count('<article class="status')
    return {
        "path": path,
        "posts": posts,
        "requests": len(server),
        "server": summary(server) if server else None,
        "round_trip": summary(round_trip) if round_trip else None,
    }


def _run(command: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "porina", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"porina {command} failed:\n{done.stdout}{done.stderr}")


def _serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "porina", "serve"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def measure(requests: int = 300, warmup: int = 30) -> dict[str, Any]:
    """Seed the demo world, serve it, and time the landing and home pages."""
    folder = Path(tempfile.mkdtemp(prefix="porina-bench-web-"))
    port = _free_port()
    env = _env(folder, port)
    started = time.perf_counter()
    await asyncio.to_thread(_run, "migrate", env)
    await asyncio.to_thread(_run, "demo", env)
    seed_seconds = round(time.perf_counter() - started, 1)
    process = _serve(env, folder / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        pages: dict[str, Any] = {}
        async with httpx.AsyncClient(base_url=base, timeout=30) as anonymous:
            await _wait_up(anonymous, process)
            pages["landing"] = await _page(anonymous, "/", requests, warmup)
        async with httpx.AsyncClient(base_url=base, timeout=30) as reader:
            await _sign_in(reader, READER)
            pages["home"] = await _page(reader, "/home", requests, warmup)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)  # the demo world and its server's log
    return {
        "world": "porina demo",
        "seed_seconds": seed_seconds,
        "reader": READER,
        "workers": 1,
        "target_ms": TARGET_MS,
        "pages": pages,
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's target: a 20-post timeline page in under 50 ms server time (at p95)."""
    found = results.get("web_pages") or {}
    out: list[dict[str, Any]] = []
    for name, page in (found.get("pages") or {}).items():
        value = (page.get("server") or {}).get("p95_ms")
        out.append(
            {
                "name": f"web page {page['path']} ({name}, {page['posts']} posts) p95 server ms",
                "value": value,
                "target": f"< {TARGET_MS:g}",
                "met": value is not None and value < TARGET_MS and page["posts"] >= 20,
            }
        )
    return out


def markdown(results: dict[str, Any]) -> list[str]:
    """A section for the report (empty when the measurement did not run)."""
    found = results.get("web_pages")
    if not found:
        return []
    lines = [
        "## Web pages (server time, demo world)",
        "",
        f"`porina demo` world; one `porina serve` worker; {found['pages']['home']['requests']} "
        "sequential requests per page after a warm-up. Server time is the page's "
        "`Server-Timing: app;dur` header.",
        "",
        "| page | posts | server p50 ms | p95 ms | p99 ms | round trip p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in found["pages"].values():
        s, r = page["server"] or {}, page["round_trip"] or {}
        lines.append(
            f"| `GET {page['path']}` | {page['posts']} | {s.get('p50_ms')} | {s.get('p95_ms')} "
            f"| {s.get('p99_ms')} | {r.get('p50_ms')} | {r.get('p99_ms')} |"
        )
    lines.append("")
    return lines


def main() -> int:
    """``python -m porina.bench.web_pages``: this measurement alone, printed as Markdown."""
    results = {"web_pages": asyncio.run(measure())}
    print("\n".join(markdown(results)))
    for target in targets(results):
        print(
            f"- {target['name']}: {target['value']} (target {target['target']}) — "
            f"{'met' if target['met'] else 'not met'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
