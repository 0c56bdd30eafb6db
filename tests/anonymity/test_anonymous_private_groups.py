"""Anonymous posts in a private group (issue 21): a member answers under a pseudonym of the
thread, the answer is for the members alone (a 404 to everyone else, in every read and stream),
and nothing any member or moderator reads, is notified of or is streamed names the author;
a brand's queue holds an answer in its discussion as anywhere else."""

from __future__ import annotations

from typing import Any

import httpx

from porina.anonymity import actions
from porina.groups import actions as group_actions
from porina.services import Services
from tests.factories import Factory, Person

from .support import API, anonymously, leaks, recording, status_ids, streamed, world

GROUPS = "/api/porina/v1/groups"


async def _private_group(services: Services, owner: Person, *members: Person) -> str:
    async with services.db.transaction() as tx:
        group = await group_actions.create(tx, owner.actor, name="leipurit", privacy="private")
        for member in members:
            await group_actions.invite(tx, owner.actor, group.id, member.account.id)
            await group_actions.join(tx, member.actor, group.id)
        await actions.set_group_policy(tx, owner.actor, group.id, True)
    return str(group.id)


async def _reads(
    viewer: Person | None, client: httpx.AsyncClient, anon: dict[str, Any]
) -> dict[str, Any]:
    """What ``viewer`` (None: signed out) gets of ``anon`` by id, in its context, in the
    public and tag timelines and in search."""
    get = viewer.get if viewer is not None else client.get
    found: dict[str, Any] = {
        "status": (await get(f"/api/v1/statuses/{anon['id']}")).status_code,
        "context": (await get(f"/api/v1/statuses/{anon['id']}/context")).status_code,
    }
    lists = ("/api/v1/timelines/public", "/api/v1/timelines/tag/leipa")
    found["listed"] = {s["id"] for path in lists for s in (await get(path)).json()}
    search = await get("/api/v2/search", params={"q": "sourdough", "type": "statuses"})
    found["listed"] |= {s["id"] for s in search.json()["statuses"]}
    return found


async def test_a_member_answers_a_private_group_anonymously_for_its_members_alone(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    w = await world(services, make)
    gid = await _private_group(services, w.bob, w.alice, w.carol)
    root = await w.bob.status("Sourdough or yeast? #leipa", porina_group_id=gid)
    outsider = await make.person("olli")
    refused = await anonymously(outsider, "Sourdough", in_reply_to_id=root["id"])
    assert refused.status_code == 404  # a post they may not see, as for any reader
    async with recording(services) as published:
        text = f"@{w.bob.username} Sourdough, always #leipa"
        reply = await anonymously(w.alice, text, in_reply_to_id=root["id"])
        assert reply.status_code == 200, reply.text
        anon = reply.json()
        again = await anonymously(w.alice, "Sourdough with rye", in_reply_to_id=anon["id"])
        answer = await w.carol.status(f"@{anon['account']['acct']} yes!", in_reply_to_id=anon["id"])
    pseudonym = anon["account"]["id"]
    assert anon["visibility"] == "private" and pseudonym != w.alice.id
    assert again.json()["account"]["id"] == pseudonym  # one pseudonym per thread
    context = await w.bob.get(f"/api/v1/statuses/{root['id']}/context")
    assert [s["id"] for s in context.json()["descendants"]] == [
        anon["id"],
        again.json()["id"],
        answer["id"],
    ]
    requests = await w.bob.get(f"{GROUPS}/{gid}/join_requests")
    assert requests.json() == []  # the pseudonym joined without asking the moderators
    ours = {anon["id"], again.json()["id"]}
    for viewer in (outsider, None):
        seen = await _reads(viewer, client, anon)
        assert (seen["status"], seen["context"]) == (404, 404)
        assert seen["listed"] & ours == set()
        frames = await streamed(services, published, viewer.id if viewer else None, "leipa")
        assert status_ids(frames) & ours == set()
    member = await _reads(w.carol, client, anon)
    assert (member["status"], member["context"]) == (200, 200)
    mentioned = await streamed(services, published, w.bob.id, "leipa")
    assert anon["id"] in status_ids(mentioned)  # the mention's notification, from the pseudonym
    for viewer in (w.bob, w.carol):  # a moderator and a member
        frames = await streamed(services, published, viewer.id, "leipa")
        assert status_ids(frames) <= ours | {answer["id"]}
        assert leaks([body for *_, body in frames], w.alice) == []
        for path in (
            f"/api/v1/statuses/{root['id']}/context",
            "/api/v1/notifications",
            f"/api/v1/accounts/{pseudonym}",
            f"/api/v1/accounts/{pseudonym}/statuses",
            f"{GROUPS}/{gid}/timeline",
        ):
            assert leaks((await viewer.get(path)).json(), w.alice) == [], path
    notes = (await w.alice.get("/api/v1/notifications")).json()
    assert [(n["type"], n["status"]["id"]) for n in notes] == [("mention", answer["id"])]


async def test_a_brands_queue_holds_an_anonymous_answer_in_its_private_group_discussion(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    gid = await _private_group(services, w.bob, w.alice, w.brand)
    root = await w.brand.status("Which bun next week?", porina_group_id=gid)
    put = await w.alice.client.put(f"{API}/policy", json={"mode": "moderated"}, headers=w.manager)
    assert put.json()["mode"] == "moderated"
    held = await anonymously(w.alice, "Cardamom!", in_reply_to_id=root["id"])
    assert held.status_code == 202 and held.json()["state"] == "pending"
    queue = await w.alice.client.get(f"{API}/queue", headers=w.manager)
    assert [p["text"] for p in queue.json()] == ["Cardamom!"]
    assert leaks(queue.json(), w.alice) == []
    path = f"{API}/queue/{held.json()['id']}/approve"
    approved = await w.alice.client.post(path, headers=w.manager)
    assert approved.status_code == 200, approved.text
    assert approved.json()["visibility"] == "private"
    shown = await w.bob.get(f"/api/v1/statuses/{approved.json()['id']}")
    assert shown.status_code == 200 and leaks(shown.json(), w.alice) == []
    assert (await w.carol.get(f"/api/v1/statuses/{approved.json()['id']}")).status_code == 404
