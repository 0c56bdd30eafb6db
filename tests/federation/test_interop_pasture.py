"""fediverse-pasture (tools nobody here wrote, made to test fediverse servers) against a
running Porina: ``verify_actor``'s six actors fetch a Porina actor and post to its inbox;
what Porina accepts is recorded in docs/federation.md ("Interop")."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar

from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .interop.support import free_port, peer_process, served


@pytest.fixture(scope="module")
def pasture() -> Iterator[str]:
    with peer_process("pasture_verify.py", free_port()) as host:
        yield host


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(settings: Settings, pasture: str, port: int) -> Settings:
    hosts = f"{settings.federation_allow_http_hosts},{pasture}".strip(",")
    return dataclasses.replace(
        settings, base_url=f"http://127.0.0.1:{port}", federation_allow_http_hosts=hosts
    )


async def test_verify_actor_signs_and_is_verified(
    make: Factory, app: Litestar, services: Services, pasture: str, port: int
) -> None:
    """alice and dean post unsigned (refused); bob and claire sign (accepted; claire's actor
    answers only a signed fetch, which Porina's instance actor makes); emily and frank sign
    but their actors have no ``preferredUsername``, which Porina (as Mastodon) needs to store
    an account: 400, which verify_actor counts as "posted"."""
    await make.person("aino")
    async with served(app, port) as base, httpx.AsyncClient(timeout=60) as http:
        answer = await http.post(
            f"http://{pasture}/",
            data={"actor_uri": f"{base}/users/aino"},
            headers={"Accept": "application/json"},
        )
    result = answer.json()["result"]
    assert result.pop("webfinger") is True
    posted = {name: row["post_inbox"] for name, row in result.items()}
    assert posted == {
        "alice": False,
        "bob": True,
        "claire": True,
        "dean": False,
        "emily": True,
        "frank": True,
    }
    assert all(row["get_actor"] for row in result.values())
