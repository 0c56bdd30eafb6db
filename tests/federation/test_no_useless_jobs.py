"""Federation queues a job only when another server is concerned (issue 20, point 4): a
post, follow, boost or block between accounts of this server leaves no ``federation.*``
row in the jobs table, while the same actions with a remote follower, a remote mention or
a remote account on the other end queue one, and the remote server receives the activity."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from porina.jobs.models import Job
from porina.services import Services

from ..factories import Factory
from .peers import BASE, Peer, deliver, remote_account


@pytest.fixture
async def held(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """The test client's hook that runs queued jobs after each response, held back: the
    rows a request queued stay in the table to be looked at."""
    hooks = client.event_hooks
    client.event_hooks = {**hooks, "response": []}
    yield
    client.event_hooks = hooks


async def _federation_jobs(services: Services) -> list[str]:
    """The kinds of the federation jobs queued (then runs every queued job)."""
    async with services.db.read() as session:
        kinds = list(await session.scalars(select(Job.kind).where(Job.kind.like("federation.%"))))
    await services.runner.drain()
    return sorted(kinds)


async def test_local_only_actions_queue_no_federation_job(
    services: Services, make: Factory, held: None
) -> None:
    aino, bea = await make.person("aino"), await make.person("bea")
    await bea.follow(aino)
    post = await aino.status("for the neighbourhood")
    await aino.status(f"@{bea.username} a secret", visibility="direct")
    assert (await bea.post(f"/api/v1/statuses/{post['id']}/reblog")).status_code == 200
    edited = await aino.put(f"/api/v1/statuses/{post['id']}", json={"status": "edited"})
    assert edited.status_code == 200
    assert (await aino.post(f"/api/v1/accounts/{bea.id}/block")).status_code == 200
    assert (await aino.delete(f"/api/v1/statuses/{post['id']}")).status_code == 200
    assert await _federation_jobs(services) == []


async def test_a_remote_follower_or_mention_queues_the_delivery(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    held: None,
) -> None:
    near, far = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    cy = await remote_account(services, far, "cy")
    follow = {
        "id": f"{near.actor('bo')}#follows/1",
        "type": "Follow",
        "actor": near.actor("bo"),
        "object": f"{BASE}/users/aino",
    }
    assert (await deliver(client, follow)).status_code == 202
    # the Follow's own job, whose handling queues (and the drain sends) the Accept
    assert await _federation_jobs(services) == ["federation.receive"]
    assert near.of_type("Accept")

    await aino.status("buns for everyone")
    await aino.status(f"@cy@{far.host} just for you", visibility="direct")
    assert await _federation_jobs(services) == ["federation.on_status_created"] * 2
    assert [a["object"]["content"] for _, a in near.of_type("Create")] == [
        "<p>buns for everyone</p>"
    ]
    assert len(far.of_type("Create")) == 1  # cy's own inbox, for the direct message
    assert (await aino.post(f"/api/v1/accounts/{cy}/follow")).status_code == 200
    assert await _federation_jobs(services) == ["federation.on_followed"]
    assert [a["object"] for _, a in far.of_type("Follow")] == [far.actor("cy")]
