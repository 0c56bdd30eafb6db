"""The inbox verifies in the request and processes in a job (issue 20): a reply's parent is
fetched by the ``federation.receive`` job after the 202, not while the peer waits; the same
activity delivered twice (a retry, or one copy to each of two inboxes) acts once: one status,
one favourite, one report, and a Flag repeating a report just made makes none; a job drops,
without retrying, what it may not handle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from porina.jobs.models import Job
from porina.jobs.queue import Runner
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory
from . import peers as fixtures
from .peers import AS_PUBLIC, BASE, Peer, Server, deliver, note, remote_account

ADMIN_SCOPES = "read write follow push admin:read admin:write"
RECEIVE = "federation.receive"

server, remote, settings = fixtures.server, fixtures.remote, fixtures.settings


@pytest.fixture
async def held(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """The test client's hook that runs queued jobs after each response, held back: what a
    delivery queued waits for the test to run it."""
    hooks = client.event_hooks
    client.event_hooks = {**hooks, "response": []}
    yield
    client.event_hooks = hooks


async def _receive_jobs(services: Services) -> int:
    async with services.db.read() as session:
        query = select(func.count()).select_from(Job).where(Job.kind == RECEIVE)
        return int(await session.scalar(query) or 0)


async def _status(services: Services, uri: str) -> Status | None:
    async with services.db.read() as session:
        found: Status | None = await session.scalar(select(Status).where(Status.uri == uri))
        return found


async def test_the_inbox_answers_before_the_job_fetches_the_parent(
    services: Services, client: httpx.AsyncClient, remote: Server, held: None
) -> None:
    await remote_account(services, remote, "bo")
    remote.serve_actor("cy")
    parent = remote.post("cy", 1, "<p>who bakes today?</p>")
    reply = note(remote, "bo", 2, "<p>I do</p>", to=[AS_PUBLIC], inReplyTo=parent["id"])
    assert (await deliver(client, reply)).status_code == 202
    assert remote.gets == []  # nothing fetched while the peer waited for its answer
    assert await _status(services, reply["object"]["id"]) is None
    assert await _receive_jobs(services) == 1  # committed before the 202
    await Runner(services).drain()  # a runner of its own, as after a restart
    assert "/users/cy/statuses/1" in [path for path, _ in remote.gets]
    fetched, answer = (
        await _status(services, parent["id"]),
        await _status(services, reply["object"]["id"]),
    )
    assert fetched is not None and answer is not None
    assert answer.in_reply_to_id == fetched.id
    assert await _receive_jobs(services) == 0


def _flag(peer: Peer, number: int, objects: list[str], content: str) -> dict[str, Any]:
    actor = peer.actor("instance")
    return {
        "id": f"{actor}#flags/{number}",
        "type": "Flag",
        "actor": actor,
        "object": objects,
        "content": content,
    }


async def test_an_activity_delivered_twice_acts_once(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    held: None,
) -> None:
    near, _ = peers
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, near, "instance")
    post = await aino.status("fresh buns")
    bo = near.actor("bo")
    create = note(near, "bo", 1, "<p>hello</p>", to=[AS_PUBLIC])
    like = {"id": f"{bo}#likes/1", "type": "Like", "actor": bo, "object": post["uri"]}
    flag = _flag(near, 1, [f"{BASE}/users/aino", post["uri"]], "spam")
    for activity in (create, like, flag):  # one copy to each of two inboxes
        for path in ("/inbox", "/users/aino/inbox"):
            assert (await deliver(client, activity, path=path)).status_code == 202
    assert await _receive_jobs(services) == 3  # one job per activity
    await services.runner.drain()
    for activity in (create, like, flag):  # a retry after its job ran: its work is done
        assert (await deliver(client, activity)).status_code == 202
    await services.runner.drain()
    assert len((await aino.get(f"/api/v1/accounts/{bo_id}/statuses")).json()) == 1
    assert (await aino.get(f"/api/v1/statuses/{post['id']}")).json()["favourites_count"] == 1
    assert len((await boss.get("/api/v1/admin/reports")).json()) == 1
    # the same report under another id, as a server that sends it twice: still one; another
    # comment is another report
    again = _flag(near, 2, [f"{BASE}/users/aino", post["uri"]], "spam")
    other = _flag(near, 3, [f"{BASE}/users/aino", post["uri"]], "and rude too")
    for activity in (again, other):
        assert (await deliver(client, activity)).status_code == 202
    await services.runner.drain()
    reports = (await boss.get("/api/v1/admin/reports")).json()
    assert sorted(r["comment"] for r in reports) == ["and rude too", "spam"]
    told = (await boss.get("/api/v1/notifications")).json()
    assert sorted(n["report"]["id"] for n in told) == sorted(r["id"] for r in reports)


async def test_a_job_drops_what_it_may_not_handle_without_retrying(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    held: None,
) -> None:
    near, far = peers
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    await remote_account(services, near, "bo")
    await remote_account(services, far, "cy")
    bo = near.actor("bo")
    nobody = {"id": f"{bo}#follows/1", "type": "Follow", "actor": bo, "object": f"{BASE}/users/x"}
    create = note(far, "cy", 1, "<p>before the block</p>", to=[AS_PUBLIC])
    for activity in (nobody, create):
        assert (await deliver(client, activity)).status_code == 202
    # the domain is suspended after its delivery was accepted, before the job ran
    block = {"domain": far.host, "severity": "suspend"}
    assert (await boss.post("/api/v1/admin/domain_blocks", json=block)).status_code == 200
    await services.runner.drain()
    assert await _status(services, create["object"]["id"]) is None
    assert await _receive_jobs(services) == 0  # neither waiting for a retry nor failed
