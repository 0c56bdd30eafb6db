"""Two real `porina serve` processes, each with its own SQLite file, federating over plain
http on loopback (each names the other in PORINA_FEDERATION_ALLOW_HTTP_HOSTS): a person on A
finds a person on B by WebFinger, follows them, B's post reaches A's home timeline; and A's
inbox refuses unsigned and forged deliveries."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from porina.core.clock import now
from porina.federation.keys import new_key_pair
from porina.federation.signatures import sign_request

from ..scale.support import ROOT, start, stop

pytestmark = [pytest.mark.slow]
AP = {"Accept": "application/activity+json"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path, port: int, other: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        PORINA_DATA_DIR=str(data),
        PORINA_BASE_URL=f"http://127.0.0.1:{port}",
        PORINA_DOMAIN=f"127.0.0.1:{port}",
        PORINA_SECRET_KEY="test-secret",
        PORINA_RATE_LIMITS="false",
        PORINA_LOG_LEVEL="WARNING",
        PORINA_FEDERATION_ALLOW_HTTP_HOSTS=f"127.0.0.1:{other}",
    )
    return env


def _account(env: dict[str, str], name: str) -> str:
    """`porina admin create-account NAME --token`; returns the token."""
    args = ["admin", "create-account", name, "--email", f"{name}@example.com"]
    args += ["--password", "correct horse battery", "--token"]
    out = subprocess.run(
        [sys.executable, "-m", "porina", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return out.strip().split()[-1]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[str, str, dict[str, str], dict[str, str]]]:
    pa, pb = _port(), _port()
    envs = {pa: _env(tmp_path / "a", pa, pb), pb: _env(tmp_path / "b", pb, pa)}
    for env in envs.values():
        subprocess.run(
            [sys.executable, "-m", "porina", "migrate"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    procs = [
        start(["-m", "porina", "serve", "--port", str(p)], env, tmp_path / f"serve{p}.log")
        for p, env in envs.items()
    ]
    try:
        yield f"http://127.0.0.1:{pa}", f"http://127.0.0.1:{pb}", envs[pa], envs[pb]
    finally:
        stop(*procs)
        for p in (pa, pb):
            sys.stderr.write((tmp_path / f"serve{p}.log").read_text()[-4000:])


async def _up(client: httpx.AsyncClient, base: str) -> None:
    for _ in range(300):
        try:
            if (await client.get(f"{base}/health")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{base} did not start")


async def _until(probe: Any, what: str) -> Any:
    for _ in range(300):
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


async def test_a_follower_on_one_server_sees_a_post_from_another(
    pair: tuple[str, str, dict[str, str], dict[str, str]],
) -> None:
    a, b, env_a, env_b = pair
    al = {"Authorization": f"Bearer {_account(env_a, 'al')}"}
    bo = {"Authorization": f"Bearer {_account(env_b, 'bo')}"}
    host_b = b.removeprefix("http://")
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, a)
        await _up(client, b)
        found = await client.get(
            f"{a}/api/v2/search", params={"q": f"@bo@{host_b}", "resolve": "true"}, headers=al
        )
        assert found.status_code == 200, found.text
        remote = found.json()["accounts"][0]
        assert remote["acct"] == f"bo@{host_b}"
        followed = await client.post(f"{a}/api/v1/accounts/{remote['id']}/follow", headers=al)
        assert followed.status_code == 200, followed.text

        async def followers() -> bool:
            body = (await client.get(f"{b}/users/bo/followers", headers=AP)).json()
            return body["orderedItems"] == [f"{a}/users/al"]

        await _until(followers, "B records al as bo's follower")
        posted = await client.post(
            f"{b}/api/v1/statuses", json={"status": "fresh buns"}, headers=bo
        )
        assert posted.status_code == 200, posted.text

        async def home() -> list[Any]:
            items = (await client.get(f"{a}/api/v1/timelines/home", headers=al)).json()
            return [s for s in items if "fresh buns" in s["content"]]

        seen = await _until(home, "bo's post in al's home timeline on A")
        assert seen[0]["account"]["acct"] == f"bo@{host_b}"
        assert seen[0]["uri"] == posted.json()["uri"]


async def test_unsigned_and_forged_deliveries_are_refused(
    pair: tuple[str, str, dict[str, str], dict[str, str]],
) -> None:
    a, b, env_a, _ = pair
    _account(env_a, "al")
    activity = {
        "id": f"{b}/users/bo#follows/1",
        "type": "Follow",
        "actor": f"{b}/users/bo",
        "object": f"{a}/users/al",
    }
    body = json.dumps(activity).encode()
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, a)
        await _up(client, b)
        _account(pair[3], "bo")
        unsigned = await client.post(f"{a}/inbox", content=body)
        assert unsigned.status_code == 401
        assert unsigned.json()["error"] == "Request not signed"
        forger, _ = new_key_pair()
        headers = sign_request(
            "POST",
            f"{a}/inbox",
            key_id=f"{b}/users/bo#main-key",
            private_pem=forger,
            body=body,
            when=now(),
        )
        forged = await client.post(f"{a}/inbox", content=body, headers=headers)
        assert forged.status_code == 401
        assert forged.json()["error"] == "Signature verification failed"
        followers = (await client.get(f"{a}/users/al/followers", headers=AP)).json()
        assert followers["totalItems"] == 0
