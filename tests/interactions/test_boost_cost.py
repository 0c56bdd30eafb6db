"""A boost first looks for the booster's live boost of the post (boosting twice gives the
same boost back). That look-up must cost the same for an account with hundreds of posts as
for a new one: on SQLite, whose planner has no statistics here, ``ORDER BY id LIMIT 1`` once
made it walk the booster's own posts in id order, a table look-up each (5.5 ms for an
account with 6,776 posts, twice per boost), where the index on the boosted post and the
booster finds the one row or none."""

from __future__ import annotations

from typing import Any

import pytest

from porina.core.clock import now
from porina.core.ids import new_id
from porina.interactions.actions import booster_statement
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory, Person
from ..support.sqlite_work import instructions

POSTS = 400


async def _posts(services: Services, person: Person, count: int) -> None:
    async with services.db.transaction() as tx:
        for i in range(count):
            row: dict[str, Any] = {
                "id": new_id(),
                "account_id": person.account.id,
                "visibility": "public",
                "text": f"post {i}",
                "content": f"<p>post {i}</p>",
                "created_at": now(),
                "local": True,
            }
            await tx.insert(Status, row)


def _steps(database: str, person: Person, status_id: int) -> int:
    """SQLite's instructions for the look-up of ``person``'s boosts of ``status_id``."""
    params = {
        "porina_account": person.account.id,
        "porina_user": person.user.id,
        "porina_status": status_id,
    }
    return instructions(database, booster_statement(), params)


async def test_looking_for_an_earlier_boost_does_not_read_the_boosters_posts(
    services: Services, make: Factory
) -> None:
    if not services.db.is_sqlite:
        pytest.skip("a plan of SQLite's planner without statistics; PostgreSQL plans by its own")
    author, prolific, newcomer = [await make.person(n) for n in ("author", "prolific", "new")]
    await _posts(services, prolific, POSTS)
    target = int((await author.status("boost me"))["id"])
    for booster in (prolific, newcomer):
        response = await booster.post(f"/api/v1/statuses/{target}/reblog")
        assert response.status_code == 200, response.text
        again = await booster.post(f"/api/v1/statuses/{target}/reblog")
        assert again.json()["id"] == response.json()["id"]  # the same boost, found
    database = services.db.engine.url.database
    assert database is not None
    # walking the posts costs several instructions each; the index's depth may differ by a few
    assert _steps(database, prolific, target) - _steps(database, newcomer, target) < POSTS // 10
