"""Every interaction records a typed analytics event (name, actor, target, time) in the same
transaction as the interaction: a refused interaction leaves no event behind."""

from __future__ import annotations

from sqlalchemy import select

from porina.analytics.models import AnalyticsEvent
from porina.services import Services
from tests.factories import Factory


async def _events(services: Services) -> list[tuple[str, int | None, int | None, int | None]]:
    async with services.db.read() as session:
        rows = await session.scalars(select(AnalyticsEvent).order_by(AnalyticsEvent.id))
        return [(e.name, e.actor_account_id, e.target_id, e.target_account_id) for e in rows]


async def test_each_interaction_records_its_named_event(services: Services, make: Factory) -> None:
    cafe = await make.person("kahvila")
    fan = await make.person("fan")
    post = await cafe.status("New pastries today")
    poll = await cafe.status("Which?", poll={"options": ["pulla", "piirakka"], "expires_in": 3600})
    before = len(await _events(services))

    await fan.post(f"/api/v1/statuses/{post['id']}/favourite")
    await fan.post(f"/api/v1/statuses/{post['id']}/reblog")
    await fan.post(f"/api/v1/statuses/{post['id']}/bookmark")
    await fan.post(f"/api/v1/polls/{poll['poll']['id']}/votes", json={"choices": [0]})
    reply = await fan.status("Saving one for me!", in_reply_to_id=post["id"])
    await fan.post(f"/api/v1/statuses/{post['id']}/unfavourite")

    recorded = (await _events(services))[before:]
    names = [name for name, *_ in recorded]
    assert names == [
        "interaction:favourite:create",
        "interaction:reblog:create",
        "interaction:bookmark:create",
        "interaction:poll:vote",
        "post:reply:create",
        "interaction:favourite:delete",
    ]
    actor, target_account = fan.account.id, cafe.account.id
    for name, actor_id, _target_id, target_account_id in recorded:
        assert actor_id == actor, name
        if name != "post:reply:create":
            assert target_account_id == target_account, name
    favourite = recorded[0]
    assert favourite[2] == int(post["id"])
    assert recorded[4][2] == int(reply["id"])


async def test_a_refused_interaction_leaves_no_event(services: Services, make: Factory) -> None:
    author = await make.person()
    stranger = await make.person()
    private = await author.status("followers only", visibility="private")
    before = await _events(services)
    refused = await stranger.post(f"/api/v1/statuses/{private['id']}/favourite")
    assert refused.status_code == 404
    expired_vote = await stranger.post("/api/v1/polls/1/votes", json={"choices": [0]})
    assert expired_vote.status_code == 404
    assert await _events(services) == before
