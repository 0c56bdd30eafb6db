"""A group's posts queue a federation job only when the group has a member on another server
(issue 21, point 1 with issue 20, point 4): posting, replying, editing, deleting and removing
in a public or private group of local members alone leaves no ``federation.*`` row; with a
remote member, the group's announce is queued."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from porina.jobs.models import Job
from porina.services import Services

from ..factories import Factory, Person
from ..groups.support import GROUPS, create, post_in
from .peers import BASE, Peer, deliver, remote_account


@pytest.fixture
async def held(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """Queued jobs stay in the table after each response, to be looked at."""
    hooks = client.event_hooks
    client.event_hooks = {**hooks, "response": []}
    yield
    client.event_hooks = hooks


async def _federation_jobs(services: Services) -> list[str]:
    async with services.db.read() as session:
        kinds = list(await session.scalars(select(Job.kind).where(Job.kind.like("federation.%"))))
    await services.runner.drain()
    return sorted(kinds)


async def _everything(owner: Person, aino: Person, group: dict[str, object]) -> None:
    first = await post_in(owner, group, "a topic")
    reply = await post_in(aino, group, "an answer", in_reply_to_id=first["id"])
    other = await post_in(aino, group, "another", in_reply_to_id=first["id"])
    assert (await aino.put(f"/api/v1/statuses/{reply['id']}", json={"status": "x"})).is_success
    assert (await aino.delete(f"/api/v1/statuses/{reply['id']}")).is_success
    assert (await owner.delete(f"{GROUPS}/{group['id']}/statuses/{other['id']}")).is_success


async def test_a_group_of_local_members_alone_queues_no_federation_job(
    services: Services, make: Factory, held: None
) -> None:
    owner, aino = await make.person("owner"), await make.person("aino")
    for privacy in ("public", "private"):
        group = await create(owner, f"g{privacy}", privacy=privacy)
        await owner.post(f"{GROUPS}/{group['id']}/invitations/{aino.account.id}")
        assert (await aino.post(f"{GROUPS}/{group['id']}/join")).status_code == 200
        await _federation_jobs(services)
        await _everything(owner, aino, group)
        assert await _federation_jobs(services) == []


async def test_a_remote_member_makes_the_group_queue_its_announces(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    held: None,
) -> None:
    near, _ = peers
    owner, aino = await make.person("owner"), await make.person("aino")
    group = await create(owner, "inner", privacy="private")
    await owner.post(f"{GROUPS}/{group['id']}/invitations/{aino.account.id}")
    await aino.post(f"{GROUPS}/{group['id']}/join")
    bo = await remote_account(services, near, "bo")
    await owner.post(f"{GROUPS}/{group['id']}/invitations/{bo}")
    follow = {
        "id": f"{near.actor('bo')}#follows/inner",
        "type": "Follow",
        "actor": near.actor("bo"),
        "object": f"{BASE}/users/inner",
    }
    await deliver(client, follow)
    await _federation_jobs(services)
    await _everything(owner, aino, group)
    kinds = await _federation_jobs(services)
    assert [k for k in kinds if "group_post" in k] == [
        "federation.on_group_post_created",
        "federation.on_group_post_created",
        "federation.on_group_post_created",
        "federation.on_group_post_deleted",
        "federation.on_group_post_deleted",
        "federation.on_group_post_edited",
    ]
