from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from porina.core.clock import now
from porina.jobs.models import Job
from porina.notifications.models import Notification
from porina.posts.models import Poll
from porina.services import Services

from ..factories import Factory, Person


async def poll_status(author: Person, *, multiple: bool = False, **extra: Any) -> dict[str, Any]:
    # Mastodon.py sends polls in a JSON body with booleans as "1"/"0"
    poll = {
        "options": ["yes", "no", "maybe"],
        "expires_in": 3600,
        "multiple": "1" if multiple else "0",
    }
    return await author.status("vote!", poll=poll, **extra)


async def test_poll_is_created_from_a_mastodon_py_style_json_body(make: Factory) -> None:
    alice = await make.person()
    status = await poll_status(alice, multiple=True)
    poll = status["poll"]
    assert [o["title"] for o in poll["options"]] == ["yes", "no", "maybe"]
    assert poll["multiple"] is True
    assert poll["expired"] is False
    assert poll["votes_count"] == 0


async def test_poll_options_and_duration_are_validated(make: Factory) -> None:
    alice = await make.person()
    cases = [
        {"options": ["only one"], "expires_in": 3600},
        {"options": ["a", "b", "c", "d", "e"], "expires_in": 3600},
        {"options": ["a", "x" * 51], "expires_in": 3600},
        {"options": ["a", "b"], "expires_in": 60},
        {"options": ["a", "b"], "expires_in": 2629747},
        {"options": ["a", "b"]},
    ]
    for poll in cases:
        response = await alice.post("/api/v1/statuses", json={"status": "q", "poll": poll})
        assert response.status_code == 422, poll


async def test_voting_counts_and_shows_own_votes(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    poll_id = (await poll_status(alice))["poll"]["id"]
    response = await bob.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": ["1"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["voted"] is True
    assert body["own_votes"] == [1]
    assert [o["votes_count"] for o in body["options"]] == [0, 1, 0]
    assert body["votes_count"] == 1
    shown = (await alice.get(f"/api/v1/polls/{poll_id}")).json()
    assert shown["votes_count"] == 1


async def test_multiple_choice_poll_counts_voters_once(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    poll_id = (await poll_status(alice, multiple=True))["poll"]["id"]
    response = await bob.post(f"/api/v1/polls/{poll_id}/votes", data={"choices[]": ["0", "2"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["votes_count"] == 2
    assert body["voters_count"] == 1
    assert body["own_votes"] == [0, 2]


async def test_vote_errors_are_422(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    poll_id = (await poll_status(alice))["poll"]["id"]
    path = f"/api/v1/polls/{poll_id}/votes"
    assert (await bob.post(path, json={"choices": ["3"]})).status_code == 422
    assert (await bob.post(path, json={"choices": ["0", "1"]})).status_code == 422
    assert (await bob.post(path, json={"choices": []})).status_code == 422
    assert (await bob.post(path, json={"choices": ["x"]})).status_code == 422
    assert (await alice.post(path, json={"choices": ["0"]})).status_code == 422
    assert (await bob.post(path, json={"choices": ["0"]})).status_code == 200
    twice = await bob.post(path, json={"choices": ["1"]})
    assert twice.status_code == 422
    assert "already voted" in twice.json()["error"]


async def test_voting_in_an_expired_poll_is_refused(make: Factory, services: Services) -> None:
    alice = await make.person()
    bob = await make.person()
    poll_id = (await poll_status(alice))["poll"]["id"]
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Poll).where(Poll.id == int(poll_id)).values(expires_at=now() - timedelta(1))
        )
    response = await bob.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": ["0"]})
    assert response.status_code == 422
    assert (await bob.get(f"/api/v1/polls/{poll_id}")).json()["expired"] is True


async def test_poll_of_an_invisible_status_is_404(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    poll_id = (await poll_status(alice, visibility="private"))["poll"]["id"]
    assert (await bob.get(f"/api/v1/polls/{poll_id}")).status_code == 404
    vote = await bob.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": ["0"]})
    assert vote.status_code == 404
    assert (await bob.get("/api/v1/polls/not-an-id")).status_code == 404


async def test_expired_poll_notifies_author_and_voters_once(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    bob = await make.person()
    carol = await make.person()
    poll_id = (await poll_status(alice))["poll"]["id"]
    await bob.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": ["0"]})
    past = now() - timedelta(seconds=1)
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Poll).where(Poll.id == int(poll_id)).values(expires_at=past)
        )
        await tx.session.execute(
            update(Job).where(Job.kind == "posts.poll_expired").values(run_at=past)
        )
    assert await services.runner.drain() >= 1
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(Notification.account_id, func.count())
                .where(Notification.type == "poll")
                .group_by(Notification.account_id)
            )
        ).all()
        poll = await session.get(Poll, int(poll_id))
    assert dict(rows) == {alice.account.id: 1, bob.account.id: 1}
    assert carol.account.id not in dict(rows)
    assert poll is not None and poll.closed_at is not None


async def test_editing_poll_options_resets_the_votes(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await poll_status(alice)
    await bob.post(f"/api/v1/polls/{status['poll']['id']}/votes", json={"choices": ["0"]})
    edited = await alice.put(
        f"/api/v1/statuses/{status['id']}",
        json={"status": "vote!", "poll": {"options": ["red", "blue"], "expires_in": 600}},
    )
    assert edited.status_code == 200, edited.text
    poll = edited.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["red", "blue"]
    assert poll["votes_count"] == 0
    again = await bob.post(f"/api/v1/polls/{poll['id']}/votes", json={"choices": ["1"]})
    assert again.status_code == 200
    history = (await alice.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert history[0]["poll"] == {
        "options": [{"title": "yes"}, {"title": "no"}, {"title": "maybe"}]
    }
    assert history[1]["poll"] == {"options": [{"title": "red"}, {"title": "blue"}]}
