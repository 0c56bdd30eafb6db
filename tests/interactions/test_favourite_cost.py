"""A favourite is a hot write path (a popular post gets thousands): its request is a fixed,
small number of statements, and everything it writes (the favourite, the count, the author's
notification, the analytics event) is there afterwards, with the response showing the change."""

from __future__ import annotations

from sqlalchemy import func, select

from porina.analytics.models import AnalyticsEvent
from porina.interactions.models import Favourite
from porina.notifications.models import Notification
from porina.services import Services

from ..factories import Factory

FAVOURITE_STATEMENTS = 12
"""``BEGIN`` and ``COMMIT`` aside, on both databases: in the transaction the status and its
visibility (2), the favourite, the count, the notification check and insert, the analytics
event (5), the running ``votes`` challenges' score of the post (1 ``UPDATE``, usually of no
row: campaigns/challenge_subscribers.py; the leaderboard must stay live and cheap to read),
the running contests of the post (1 indexed ``SELECT``, usually of none: campaigns/entries.py);
then the response's page row and the re-rendered status (2); and the test client's look for
due jobs after the response (1). The two campaign statements could be one (a single look at
the post's campaigns). Raising this number needs a reason."""


async def test_favourite_request_costs_a_fixed_number_of_statements(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = (await alice.status("count my statements"))["id"]
    await bob.get(f"/api/v1/statuses/{sid}")  # token and caches warm
    before = services.db.query_count
    response = await bob.post(f"/api/v1/statuses/{sid}/favourite")
    spent = services.db.query_count - before
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["favourited"], body["favourites_count"]) == (True, 1)
    assert spent <= FAVOURITE_STATEMENTS, spent
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Favourite)) == 1
        note = select(func.count()).where(
            Notification.account_id == alice.account.id, Notification.type == "favourite"
        )
        assert await session.scalar(note) == 1
        events = select(AnalyticsEvent.name, AnalyticsEvent.target_id).where(
            AnalyticsEvent.name == "interaction:favourite:create"
        )
        assert (await session.execute(events)).all() == [("interaction:favourite:create", int(sid))]


async def test_favourite_again_changes_nothing_and_still_answers(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = (await alice.status("once is enough"))["id"]
    for _ in range(2):
        response = await bob.post(f"/api/v1/statuses/{sid}/favourite")
        assert response.status_code == 200, response.text
        assert (response.json()["favourited"], response.json()["favourites_count"]) == (True, 1)
    async with services.db.read() as session:
        events = select(func.count()).where(AnalyticsEvent.name == "interaction:favourite:create")
        assert await session.scalar(events) == 1
