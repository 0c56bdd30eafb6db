"""Polls across servers, as Mastodon federates them: a local poll goes out as a ``Question``
and remote votes on it count (only from people who may see it, one choice each); a remote
``Question`` is a poll here, a local vote on it goes to its author alone, and its author's
``Update`` refreshes the counts."""

from __future__ import annotations

from typing import Any

import httpx

from porina.federation.poll_updates import poll_update
from porina.services import Services

from ..factories import Factory
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account


def _vote(peer: Peer, voter: str, question: str, author: str, name: str) -> dict[str, Any]:
    actor = peer.actor(voter)
    obj = {
        "id": f"{actor}#votes/{name}",
        "type": "Note",
        "name": name,
        "attributedTo": actor,
        "inReplyTo": question,
        "to": [author],
    }
    return {"id": f"{obj['id']}/activity", "type": "Create", "actor": actor, "object": obj}


async def test_a_local_poll_is_a_question_and_remote_votes_count_by_the_local_rules(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    await remote_account(services, far, "cy")
    follow = {"id": f"{near.actor('bo')}#f/1", "type": "Follow", "actor": near.actor("bo")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    poll = {"options": ["Buns", "Cake"], "expires_in": 3600}
    post = await aino.status("Which one?", poll=poll, visibility="private")
    [(_, create)] = near.of_type("Create")
    question = create["object"]
    assert question["type"] == "Question" and question["id"] == post["uri"]
    assert question["oneOf"] == [
        {"type": "Note", "name": "Buns", "replies": {"type": "Collection", "totalItems": 0}},
        {"type": "Note", "name": "Cake", "replies": {"type": "Collection", "totalItems": 0}},
    ]
    assert question["votersCount"] == 0 and question["endTime"] and "closed" not in question
    me = f"{BASE}/users/aino"
    for activity in (
        _vote(near, "bo", post["uri"], me, "Cake"),
        _vote(near, "bo", post["uri"], me, "Buns"),  # a second choice in a one-choice poll
        _vote(far, "cy", post["uri"], me, "Buns"),  # cy may not see a followers-only poll
        _vote(near, "bo", post["uri"], me, "Pie"),  # no such option: an ordinary reply
    ):
        assert (await deliver(client, activity)).status_code == 202
    seen = (await aino.get(f"/api/v1/polls/{post['poll']['id']}")).json()
    assert [o["votes_count"] for o in seen["options"]] == [0, 1]
    assert seen["votes_count"] == 1
    near.received.clear()
    await poll_update(services, {"status_id": post["id"]})  # queued a minute after the votes
    await services.runner.drain()
    [(path, update)] = near.of_type("Update")  # the follower's server; cy's vote never counted
    assert path == "/inbox" and far.received == []
    assert [o["replies"]["totalItems"] for o in update["object"]["oneOf"]] == [0, 1]
    assert update["object"]["votersCount"] == 1


async def test_a_remote_question_is_a_poll_votes_go_to_its_author_and_updates_refresh_it(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    eki = await make.person("eki")
    bo_id = await remote_account(services, near, "bo")
    options = [
        {"type": "Note", "name": "Tea", "replies": {"type": "Collection", "totalItems": 3}},
        {"type": "Note", "name": "Coffee", "replies": {"type": "Collection", "totalItems": 1}},
    ]
    created = note(near, "bo", 7, "<p>Tea or coffee?</p>", to=[AS_PUBLIC], oneOf=options)
    created["object"].update(type="Question", endTime="2099-01-01T00:00:00Z", votersCount=4)
    assert (await deliver(client, created)).status_code == 202
    [status] = (await eki.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    assert [(o["title"], o["votes_count"]) for o in status["poll"]["options"]] == [
        ("Tea", 3),
        ("Coffee", 1),
    ]
    assert status["poll"]["expired"] is False and status["poll"]["votes_count"] == 4
    poll_id = status["poll"]["id"]
    near.received.clear()
    voted = await eki.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": [1]})
    assert voted.status_code == 200, voted.text
    [(path, activity)] = near.of_type("Create")
    assert path == "/users/bo/inbox"
    assert activity["object"]["name"] == "Coffee" and activity["to"] == [near.actor("bo")]
    assert activity["object"]["inReplyTo"] == created["object"]["id"]
    closed = [{**options[0]}, {**options[1], "replies": {"type": "Collection", "totalItems": 3}}]
    update = {
        **created,
        "id": f"{created['object']['id']}#updates/1",
        "type": "Update",
        "object": {**created["object"], "oneOf": closed, "closed": "2026-01-01T00:00:00Z"},
    }
    assert (await deliver(client, update)).status_code == 202
    seen = (await eki.get(f"/api/v1/polls/{poll_id}")).json()
    assert [o["votes_count"] for o in seen["options"]] == [3, 3]
    assert seen["expired"] is True and seen["voted"] is True


async def test_a_running_poll_with_hidden_totals_goes_out_without_counts_even_when_edited(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    follow = {"id": f"{near.actor('bo')}#f/1", "type": "Follow", "actor": near.actor("bo")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    poll = {"options": ["Buns", "Cake"], "expires_in": 3600, "hide_totals": True}
    post = await aino.status("Which one?", poll=poll)
    me = f"{BASE}/users/aino"
    assert (await deliver(client, _vote(near, "bo", post["uri"], me, "Cake"))).status_code == 202
    await services.runner.drain()
    seen = (await aino.get(f"/api/v1/polls/{post['poll']['id']}")).json()
    assert [o["votes_count"] for o in seen["options"]] == [0, 1]  # counted; its author sees it
    edited = await aino.put(
        f"/api/v1/statuses/{post['id']}", json={"status": "Which?", "poll": poll}
    )
    assert edited.status_code == 200
    await services.runner.drain()
    [(_, create)] = near.of_type("Create")
    [(_, update)] = near.of_type("Update")
    for question in (create["object"], update["object"]):
        assert question["type"] == "Question"
        assert question["oneOf"] == [
            {"type": "Note", "name": "Buns"},
            {"type": "Note", "name": "Cake"},
        ]
    assert update["object"]["content"] == "<p>Which?</p>"
