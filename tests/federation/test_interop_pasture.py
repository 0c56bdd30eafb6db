"""fediverse-pasture (tools nobody here wrote, made to test fediverse servers) against a
running Porina: ``verify_actor``'s six actors fetch a Porina actor and post to its inbox;
what Porina accepts is recorded in docs/federation.md ("Interop")."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select

from porina.posts.models import Status
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory, Person
from .interop.support import HERE, SCRATCH, free_port, interop_python, peer_process, served


@pytest.fixture(scope="module")
def pasture() -> Iterator[str]:
    with peer_process("pasture_verify.py", free_port()) as host:
        yield host


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sender_port() -> int:
    return free_port()


@pytest.fixture
def settings(settings: Settings, pasture: str, port: int, sender_port: int) -> Settings:
    sender = f"127.0.0.1:{sender_port}"
    hosts = f"{settings.federation_allow_http_hosts},{pasture},{sender}".strip(",")
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


NOT_SHOWN = {
    # the inputs name their author http://pasture-one-actor/actor, which is not the sender
    # here (pasture's own setup runs it under that name): refused, 403 (FEP-fe34)
    **{("attributed_to", i): "refused" for i in range(5)},
    # an Article is not stored: Porina keeps Notes (and Questions) only
    **{("html_tags_article", i): "dropped" for i in range(31)},
    # contentMap without content: Porina reads content, contentMap only for the language
    **{("language", i): "dropped" for i in range(5, 9)},
    ("necessary_properties", 1): "dropped",  # without id: nothing to keep it by
    ("necessary_properties", 3): "refused",  # without attributedTo: not the sender's (403)
    ("necessary_properties", 4): "dropped",  # without type
    # Article, Audio, Document, Event, Image, Page, Place, Profile, Relationship, Tombstone,
    # Video, no type: not a Note; ["Note", "Article"] is refused (a 500 while this was
    # written, in fetching's look at the type)
    **{("object_types", i): "dropped" for i in (0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13)},
    ("object_types", 12): "refused",
}
"""What the full run (every example) did not show; docs/federation.md, "Interop"."""
PER_INPUT = 2
"""Examples sent of each input (the first ones; ``PORINA_PASTURE_PER_INPUT`` overrides): all
297 take about 25 s more. The full run's outcome is the table in docs/federation.md."""


async def _sent_notes(base: str, sender_port: int, per_input: int) -> list[dict[str, Any]]:
    """Run pasture's sender with the Note variants against ``base``'s aino."""
    proc = await asyncio.create_subprocess_exec(
        str(interop_python()),
        str(HERE / "pasture_notes.py"),
        str(sender_port),
        f"{base}/users/aino",
        str(per_input),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        cwd=SCRATCH,
    )
    out, _ = await proc.communicate()
    rows: list[dict[str, Any]] = json.loads(out.decode().strip().splitlines()[-1])
    return rows


async def _outcome(services: Services, reader: Person, row: dict[str, Any]) -> str:
    """``shown`` (stored, and the API shows it), ``dropped`` (accepted, not stored) or
    ``refused`` (not accepted)."""
    async with services.db.read() as session:
        status_id = await session.scalar(select(Status.id).where(Status.uri == row["id"]))
    if status_id is not None:
        shown = (await reader.get(f"/api/v1/statuses/{status_id}")).status_code == 200
        return "shown" if shown else "hidden"
    return "dropped" if row["status"] == 202 else "refused"


async def test_the_pasture_note_variants(
    make: Factory, app: Litestar, services: Services, port: int, sender_port: int
) -> None:
    aino = await make.person("aino")
    per_input = int(os.environ.get("PORINA_PASTURE_PER_INPUT", PER_INPUT))
    async with served(app, port) as base:
        rows = await _sent_notes(base, sender_port, per_input)
    await services.runner.drain()  # the accepted Notes are handled in their jobs
    seen = {(r["input"], r["index"]): await _outcome(services, aino, r) for r in rows}
    assert len(seen) > 40  # 24 inputs
    not_shown = {key: state for key, state in seen.items() if state != "shown"}
    assert not_shown == {key: state for key, state in NOT_SHOWN.items() if key[1] < per_input}
