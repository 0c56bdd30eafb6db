"""bovine (a fediverse library nobody here wrote) as a remote server: its own signature
checker verifies Porina's signed fetch of its actor (as Porina's instance actor) and Porina's
signed delivery of a Follow (as the local person), each time fetching the key from the
running Porina over loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar

from porina.federation.remote import resolve_actor
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .interop.support import free_port, peer_process, served


@pytest.fixture(scope="module")
def bovine() -> Iterator[str]:
    with peer_process("bovine_peer.py", free_port(), probe="/results") as host:
        yield host


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(settings: Settings, bovine: str, port: int) -> Settings:
    hosts = f"{settings.federation_allow_http_hosts},{bovine}".strip(",")
    return dataclasses.replace(
        settings, base_url=f"http://127.0.0.1:{port}", federation_allow_http_hosts=hosts
    )


async def test_bovine_verifies_porinas_signed_fetch_and_delivery(
    make: Factory, app: Litestar, services: Services, bovine: str, port: int
) -> None:
    aino = await make.person("aino")
    async with served(app, port) as base:
        bob = await resolve_actor(services.db, services.outbound, f"http://{bovine}/users/bob")
        assert (await aino.post(f"/api/v1/accounts/{bob.id}/follow")).status_code == 200
        await services.runner.drain()
        async with httpx.AsyncClient() as http:
            seen = (await http.get(f"http://{bovine}/results")).json()
    assert {"method": "GET", "path": "/users/bob", "signer": f"{base}/actor"} in seen
    follow = {"method": "POST", "path": "/users/bob/inbox", "signer": f"{base}/users/aino"}
    assert follow in seen, seen
