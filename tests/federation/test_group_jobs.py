"""A group's posts queue a federation job only when the group has a member on another server
(issue 21, point 1 with issue 20, point 4): posting, replying, editing, deleting and removing
in a public or private group of local members alone leaves no ``federation.*`` row; with a
remote member, the group's announce is queued. A post of a group is asked about once, in one
read, whether the group announces it or it goes to a remote group's inbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from porina.core import events as ev
from porina.jobs.events import subscribers
from porina.jobs.models import Job
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory, Person
from ..groups.support import GROUPS, create, post_in
from .peers import BASE, Peer, deliver, remote_account
from .test_group_reply_remote import _group_post


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


async def _asked(services: Services, status: dict[str, Any]) -> tuple[list[str], int]:
    """The federation subscribers of a post's creation that concern groups which would queue
    a job for ``status``, and the statements their questions sent (the status in the
    session, as it is in the action's transaction)."""
    event = ev.StatusCreated(
        status_id=int(status["id"]),
        author_id=int(status["account"]["id"]),
        visibility=status["visibility"],
        thread_id=int(status["id"]),
    )
    concerned = [
        s
        for s in subscribers(ev.StatusCreated)
        if s.name.startswith("federation.") and "group" in s.name and s.needed is not None
    ]
    async with services.db.transaction() as tx:
        held = await tx.session.get(Status, event.status_id)  # the session keeps it weakly
        assert held is not None
        before = services.db.query_count
        queued = [s.name for s in concerned if s.needed is not None and await s.needed(tx, event)]
        return queued, services.db.query_count - before


async def test_a_post_of_a_group_is_asked_about_once_in_one_read(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
) -> None:
    """A reply in a local group of local members (nothing to send), in a local group with a
    remote member (the group's announce) and in a remote group (to the group's inbox)."""
    near, _ = peers
    aino, _, _, parent = await _group_post(services, make, client, peers)
    body = {"status": "sourdough", "in_reply_to_id": str(parent.id)}
    remote_reply = (await aino.post("/api/v1/statuses", json=body)).json()
    owner = await make.person("owner")
    alone, shared = await create(owner, "alone"), await create(owner, "shared")
    bo = await remote_account(services, near, "bo")
    await owner.post(f"{GROUPS}/{shared['id']}/invitations/{bo}")
    follow = {
        "id": f"{near.actor('bo')}#follows/shared",
        "type": "Follow",
        "actor": near.actor("bo"),
        "object": f"{BASE}/users/shared",
    }
    assert (await deliver(client, follow)).status_code == 202
    replies = []
    for group in (alone, shared):
        first = await post_in(owner, group, "a topic")
        replies.append(await post_in(owner, group, "more", in_reply_to_id=first["id"]))
    assert await _asked(services, replies[0]) == ([], 1)
    assert await _asked(services, replies[1]) == (["federation.on_group_post_created"], 1)
    assert await _asked(services, remote_reply) == (["federation.on_group_post_created"], 1)
