"""Login flood (issue 13, point 3): what a flood of wrong passwords does to everyone else.

A fresh SQLite server (``porina migrate``, one account made with ``porina admin
create-account``, then a real ``porina serve`` in a subprocess). A probe asks for
``GET /api/v1/instance`` one request at a time, first alone, then while ``flooders``
anonymous clients post wrong passwords for that account to ``/auth/sign_in`` as fast as
they are answered. The figure is the probe's round trip, p50 and p99, idle and flooded. The flood
runs in a process of its own, so the probe's process does nothing but time the probe.

Two runs:

- **every guess checked** (``PORINA_RATE_LIMITS=false``): each attempt costs an Argon2
  verification, as a flood from as many addresses as attempts would. Verifications run in
  the CPU pool (``core/cpu.py``), so the event loop keeps answering the probe;
- **throttled** (the login throttle on, one address): past
  ``PORINA_LOGIN_ATTEMPTS_PER_ADDRESS`` the flood is refused with a 429 before any check.

``measure()`` returns a JSON-able dict; ``markdown()`` reports it in ``porina bench``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from porina.bench.web_pages import _env, _free_port, _run, _serve, _wait_up, summary

PROBE = "/api/v1/instance"
LOGIN = "victim"
PASSWORD = "the victim's own long password"


async def _probe(client: httpx.AsyncClient, until: float) -> tuple[list[float], int]:
    """Round trips of the probe (ms) until ``until``, and how many were not a 200."""
    times: list[float] = []
    errors = 0
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await client.get(PROBE)
        times.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
    return times, errors


async def _flooder(client: httpx.AsyncClient, until: float, statuses: Counter[int]) -> None:
    n = 0
    while time.perf_counter() < until:
        n += 1
        form = {
            "_csrf_token": client.cookies.get("porina_csrf") or "",
            "login": LOGIN,
            "password": f"wrong guess {n}",
        }
        response = await client.post("/auth/sign_in", data=form)
        statuses[response.status_code] += 1


async def _flood(base: str, flooders: int, seconds: float, ready: Any, go: Any) -> dict[int, int]:
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(flooders)]
    try:
        for client in clients:  # each has its form (and CSRF cookie) before the clock starts
            await client.get("/auth/sign_in")
        ready.set()
        await asyncio.to_thread(go.wait)
        statuses: Counter[int] = Counter()
        until = time.perf_counter() + seconds
        await asyncio.gather(*(_flooder(c, until, statuses) for c in clients))
    finally:
        for client in clients:
            await client.aclose()
    return dict(statuses)


def _flood_process(plan: tuple[str, int, float], ready: Any, go: Any, out: Any) -> None:
    """The flood (base URL, clients, seconds), in a process of its own so the probe's
    process times only the probe."""
    out.put(asyncio.run(_flood(*plan, ready, go)))


async def _phases(base: str, flooders: int, seconds: float) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    ready, go, out = spawn.Event(), spawn.Event(), spawn.Queue()
    child = spawn.Process(
        target=_flood_process, args=((base, flooders, seconds), ready, go, out), daemon=True
    )
    child.start()
    try:
        await asyncio.to_thread(ready.wait, 120)
        async with httpx.AsyncClient(base_url=base, timeout=60) as probe:
            for _ in range(20):  # warm-up
                await probe.get(PROBE)
            idle, idle_errors = await _probe(probe, time.perf_counter() + seconds)
            go.set()
            flooded, flood_errors = await _probe(probe, time.perf_counter() + seconds)
        statuses: dict[int, int] = await asyncio.to_thread(out.get, True, 120)
    finally:
        child.join(30)
        if child.is_alive():
            child.kill()
    attempts = sum(statuses.values())
    return {
        "idle": {"requests": len(idle), "errors": idle_errors, **summary(idle)},
        "flooded": {"requests": len(flooded), "errors": flood_errors, **summary(flooded)},
        "attempts": attempts,
        "attempts_per_s": round(attempts / seconds, 1),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
    }


async def _serve_and_measure(
    env: dict[str, str], folder: Path, flooders: int, seconds: float
) -> dict[str, Any]:
    process = _serve(env, folder / f"serve-{env['PORINA_RATE_LIMITS']}.log")
    base = env["PORINA_BASE_URL"]
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await _wait_up(client, process)
        return await _phases(base, flooders, seconds)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


async def measure(flooders: int = 8, seconds: float = 8.0, limit: int = 25) -> dict[str, Any]:
    """Serve a one-account world and time the probe, idle and under the flood, twice."""
    folder = Path(tempfile.mkdtemp(prefix="porina-bench-login-"))
    try:
        return await _measure_in(folder, flooders, seconds, limit)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the one-account world and its logs


async def _measure_in(folder: Path, flooders: int, seconds: float, limit: int) -> dict[str, Any]:
    port = _free_port()
    env = _env(folder, port)
    env["PORINA_LOGIN_ATTEMPTS_PER_ADDRESS"] = str(limit)
    env["PORINA_RATE_LIMIT_PER_5MIN"] = "100000000"  # the probe is not what is limited here
    await asyncio.to_thread(_run, "migrate", env)
    account = [
        "admin",
        "create-account",
        LOGIN,
        "--email",
        f"{LOGIN}@example.com",
        "--password",
        PASSWORD,
    ]
    await asyncio.to_thread(_run_args, account, env)
    runs: dict[str, Any] = {}
    load = [round(x, 2) for x in os.getloadavg()]  # the machine may be shared: say how busy
    for name, limits in (("every guess checked", "false"), ("throttled", "true")):
        runs[name] = await _serve_and_measure(
            {**env, "PORINA_RATE_LIMITS": limits}, folder, flooders, seconds
        )
    return {
        "flooders": flooders,
        "seconds": seconds,
        "probe": f"GET {PROBE}",
        "flood": "POST /auth/sign_in (wrong password for one account)",
        "login_attempts_per_address": limit,
        "load_average_before": load,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
    }


def _run_args(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "porina", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"porina {' '.join(args[:2])} failed:\n{done.stdout}{done.stderr}")


def markdown(results: dict[str, Any]) -> list[str]:
    """A section for the report (empty when the measurement did not run)."""
    found = results.get("login_flood")
    if not found:
        return []
    lines = [
        "## Login flood (other requests while wrong passwords pour in)",
        "",
        f"One `porina serve` worker (SQLite); the probe `{found['probe']}` one request at a "
        f"time, {found['seconds']:g} s alone, then {found['seconds']:g} s while "
        f"{found['flooders']} clients send `{found['flood']}` without pause. Round trip, ms. "
        f"Load average (1, 5, 15 min) {found['load_average_before']} before, "
        f"{found['load_average_after']} after.",
        "",
        "| run | probe idle p50 | p99 | flooded p50 | p99 | max | flood attempts/s | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, run in found["runs"].items():
        idle, flooded = run["idle"], run["flooded"]
        answers = ", ".join(f"{count} x {code}" for code, count in run["statuses"].items())
        lines.append(
            f"| {name} | {idle['p50_ms']} | {idle['p99_ms']} | {flooded['p50_ms']} "
            f"| {flooded['p99_ms']} | {flooded['max_ms']} | {run['attempts_per_s']} | {answers} |"
        )
    lines.append("")
    return lines


def main() -> int:
    """``python -m porina.bench.login_flood``: this measurement alone, printed as Markdown."""
    results = {"login_flood": asyncio.run(measure())}
    print("\n".join(markdown(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
