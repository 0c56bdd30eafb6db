"""Two `porina serve` and two `porina worker` processes on PostgreSQL + Redis: a client
streaming from serve #2 receives a status posted through serve #1 by an account it follows,
and a token revoked through serve #1 stops working on serve #2 at once."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from porina.settings import Settings

from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix
from ..support.world import truncate_pg
from .support import ROOT, scale_env, start, stop

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def prefix(settings: Settings) -> AsyncIterator[str]:
    """The Redis key prefix; also empties the database (another test may have left the
    accounts this one creates: the processes share the suite's database, not a copy)."""
    require_redis()
    await truncate_pg(settings.database_url)
    name = unique_prefix()
    yield name
    await delete_prefix(REDIS_URL, name)


@pytest.fixture
def cluster(
    settings: Settings, prefix: str, tmp_path: Path
) -> Iterator[tuple[list[str], dict[str, str]]]:
    ports = [_port(), _port()]
    env = scale_env(
        settings,
        prefix,
        REDIS_URL,
        PORINA_RUN_JOBS_IN_PROCESS="false",
        PORINA_BROKER="redis",
        PORINA_FEED_STORE="redis",
        PORINA_BASE_URL=f"http://127.0.0.1:{ports[0]}",
    )
    procs = [
        start(["-m", "porina", "serve", "--port", str(p)], env, tmp_path / f"serve{p}.log")
        for p in ports
    ]
    procs += [start(["-m", "porina", "worker"], env, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        yield [f"http://127.0.0.1:{p}" for p in ports], env
    finally:
        stop(*procs)


def _account(env: dict[str, str], name: str) -> str:
    """`python -m porina admin create-account NAME --token`; returns the token."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "porina",
            "admin",
            "create-account",
            name,
            "--email",
            f"{name}@example.com",
            "--password",
            "correct horse battery",
            "--token",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return out.strip().split()[-1]


async def _up(client: httpx.AsyncClient, base: str) -> None:
    for _ in range(300):
        try:
            if (await client.get(f"{base}/health")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{base} did not start")


async def test_a_post_through_one_serve_streams_to_a_follower_on_another(
    cluster: tuple[list[str], dict[str, str]],
) -> None:
    (first, second), env = cluster
    brand, fan = _account(env, "brand"), _account(env, "fan")
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, first)
        await _up(client, second)
        fan_auth = {"Authorization": f"Bearer {fan}"}
        brand_auth = {"Authorization": f"Bearer {brand}"}
        me = await client.get(f"{first}/api/v1/accounts/verify_credentials", headers=brand_auth)
        brand_id = me.json()["id"]
        followed = await client.post(f"{first}/api/v1/accounts/{brand_id}/follow", headers=fan_auth)
        assert followed.status_code == 200, followed.text
        received: asyncio.Queue[dict[str, str]] = asyncio.Queue()

        async def listen() -> None:
            url = f"{second}/api/v1/streaming/user"
            async with client.stream("GET", url, headers=fan_auth, timeout=None) as stream:
                event = ""
                async for line in stream.aiter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        await received.put({"event": event, "data": line[6:]})

        listener = asyncio.create_task(listen())
        try:
            await asyncio.sleep(1.0)  # the subscription is in place on serve #2
            posted = await client.post(
                f"{first}/api/v1/statuses", headers=brand_auth, json={"status": "hello all"}
            )
            assert posted.status_code == 200, posted.text
            while True:
                message = await asyncio.wait_for(received.get(), timeout=60)
                if message["event"] == "update":
                    break
            assert json.loads(message["data"])["id"] == posted.json()["id"]
        finally:
            listener.cancel()


async def test_a_token_revoked_through_one_serve_is_refused_by_the_other_at_once(
    cluster: tuple[list[str], dict[str, str]],
) -> None:
    (first, second), env = cluster
    _account(env, "leaving")
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, first)
        await _up(client, second)
        app = (
            await client.post(
                f"{first}/api/v1/apps",
                data={"client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
            )
        ).json()
        creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        login = {"username": "leaving@example.com", "password": "correct horse battery"}
        granted = await client.post(
            f"{first}/oauth/token", data={"grant_type": "password", **creds, **login}
        )
        assert granted.status_code == 200, granted.text
        token = granted.json()["access_token"]
        me = f"{second}/api/v1/accounts/verify_credentials"
        auth = {"Authorization": f"Bearer {token}"}
        assert (await client.get(me, headers=auth)).status_code == 200  # cached on serve #2
        revoked = await client.post(f"{first}/oauth/revoke", data={**creds, "token": token})
        assert revoked.status_code == 200
        await asyncio.sleep(0.5)  # the announcement crosses Redis; the cache would keep 10 s
        assert (await client.get(me, headers=auth)).status_code == 401
