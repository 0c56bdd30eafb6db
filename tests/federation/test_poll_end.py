"""A local poll's end is sent by itself, as Mastodon does: when it closes, the servers that
have it (its author's followers', its remote voters') get an ``Update`` of the ``Question``
with the final counts and ``closed`` (hidden totals included); a poll no other server has
queues no federation job at its end."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update

from porina.core.clock import now
from porina.jobs.models import Job
from porina.posts.jobs import poll_expired
from porina.posts.models import Poll
from porina.services import Services

from ..factories import Factory
from .peers import BASE, Peer, deliver, remote_account


async def _close(services: Services, poll_id: str) -> list[str]:
    """End the poll now, as its closing job does at its ``expires_at``: the federation jobs
    that queued."""
    async with services.db.transaction() as tx:
        ended = now() - timedelta(seconds=1)
        await tx.session.execute(
            update(Poll).where(Poll.id == int(poll_id)).values(expires_at=ended)
        )
    await poll_expired(services, {"poll_id": poll_id})
    async with services.db.read() as session:
        due = select(Job.kind).where(Job.kind.like("federation.%"), Job.run_at <= now())
        return list(await session.scalars(due))


async def test_a_closed_poll_sends_its_final_counts_to_followers_and_voters(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    await remote_account(services, far, "cy")
    follow = {"id": f"{near.actor('bo')}#f/1", "type": "Follow", "actor": near.actor("bo")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    poll = {"options": ["Buns", "Cake"], "expires_in": 3600, "hide_totals": True}
    post = await aino.status("Which one?", poll=poll)
    vote = {
        "id": f"{far.actor('cy')}#votes/1",
        "type": "Note",
        "name": "Cake",
        "attributedTo": far.actor("cy"),
        "inReplyTo": post["uri"],
        "to": [f"{BASE}/users/aino"],
    }
    created = {"id": f"{vote['id']}/activity", "type": "Create", "actor": far.actor("cy")}
    assert (await deliver(client, {**created, "object": vote})).status_code == 202
    await services.runner.drain()
    assert near.of_type("Update") == [] and far.of_type("Update") == []  # totals hidden
    assert await _close(services, post["poll"]["id"]) == ["federation.poll_update"]
    await services.runner.drain()
    [(_, to_follower)] = near.of_type("Update")
    [(path, to_voter)] = far.of_type("Update")
    assert path == "/inbox"
    for update_ in (to_follower, to_voter):
        question = update_["object"]
        assert question["id"] == post["uri"] and question["closed"]
        assert [o["replies"]["totalItems"] for o in question["oneOf"]] == [0, 1]


async def test_a_poll_no_other_server_has_queues_nothing_at_its_end(
    services: Services, make: Factory
) -> None:
    aino, bea = await make.person("aino"), await make.person("bea")
    post = await aino.status("Which one?", poll={"options": ["Buns", "Cake"], "expires_in": 3600})
    voted = await bea.post(f"/api/v1/polls/{post['poll']['id']}/votes", json={"choices": [1]})
    assert voted.status_code == 200
    assert await _close(services, post["poll"]["id"]) == []
    seen = (await bea.get(f"/api/v1/polls/{post['poll']['id']}")).json()
    assert seen["expired"] is True
