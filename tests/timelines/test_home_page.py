"""The home timeline served from the status cache shows every change at once (edits, counts,
profiles, votes, reblogged statuses), keeps pages full when hidden entries linger in a feed,
and costs one query once the cache is warm."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from porina.core.clock import now
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory, Person
from .support import ids


async def _home(person: Person, **params: Any) -> list[dict[str, Any]]:
    response = await person.get("/api/v1/timelines/home", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def test_home_shows_new_counts_edits_and_profile_changes_at_once(make: Factory) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    await bob.follow(alice)
    sid = (await alice.status("first draft"))["id"]
    [seen] = await _home(bob)
    assert (seen["favourites_count"], seen["favourited"]) == (0, False)
    assert (await carol.post(f"/api/v1/statuses/{sid}/favourite")).status_code == 200
    [seen] = await _home(bob)
    assert (seen["favourites_count"], seen["favourited"]) == (1, False)
    assert (await bob.post(f"/api/v1/statuses/{sid}/favourite")).status_code == 200
    [seen] = await _home(bob)
    assert (seen["favourites_count"], seen["favourited"]) == (2, True)
    edited = await alice.put(f"/api/v1/statuses/{sid}", json={"status": "final words"})
    assert edited.status_code == 200, edited.text
    renamed = await alice.patch(
        "/api/v1/accounts/update_credentials", data={"display_name": "Alice Aalto"}
    )
    assert renamed.status_code == 200, renamed.text
    [seen] = await _home(bob)
    assert "final words" in seen["content"] and seen["edited_at"] is not None
    assert seen["account"]["display_name"] == "Alice Aalto"
    assert seen["favourites_count"] == 2


async def test_home_poll_shows_new_votes_and_the_viewers_own_choice(make: Factory) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    await bob.follow(alice)
    status = await alice.status("tea?", poll={"options": ["yes", "no"], "expires_in": 3600})
    poll_id = status["poll"]["id"]
    [seen] = await _home(bob)
    assert (seen["poll"]["votes_count"], seen["poll"]["voted"]) == (0, False)
    await carol.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": [1]})
    [seen] = await _home(bob)
    assert (seen["poll"]["votes_count"], seen["poll"]["voted"]) == (1, False)
    await bob.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": [0]})
    [seen] = await _home(bob)
    assert seen["poll"]["votes_count"] == 2
    assert (seen["poll"]["voted"], seen["poll"]["own_votes"]) == (True, [0])
    [alices] = await _home(alice)  # the author's own view of the same cached poll
    assert (alices["poll"]["voted"], alices["poll"]["own_votes"]) == (True, [])


async def test_a_reblog_shows_the_reblogged_status_as_it_is_now(make: Factory) -> None:
    alice, bob, dave = await make.person("alice"), await make.person("bob"), await make.person()
    await bob.follow(dave)
    sid = (await alice.status("original"))["id"]
    assert (await dave.post(f"/api/v1/statuses/{sid}/reblog")).status_code == 200
    [seen] = await _home(bob)
    assert seen["reblog"]["id"] == sid and "original" in seen["reblog"]["content"]
    await alice.put(f"/api/v1/statuses/{sid}", json={"status": "revised"})
    await bob.post(f"/api/v1/statuses/{sid}/bookmark")
    [seen] = await _home(bob)
    assert "revised" in seen["reblog"]["content"]
    assert seen["bookmarked"] is True and seen["reblog"]["bookmarked"] is True
    assert seen["account"]["id"] == dave.id and seen["reblog"]["account"]["id"] == alice.id


async def test_page_stays_full_when_hidden_entries_linger_in_the_feed(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    posted = [(await alice.status(f"post {n}"))["id"] for n in range(60)]
    gone = posted[-45:]  # the newest 45: deleted, their feed entries not yet cleaned up
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Status).where(Status.id.in_([int(i) for i in gone])).values(deleted_at=now())
        )
    response = await bob.get("/api/v1/timelines/home", params={"limit": 10})
    expected = list(reversed(posted[:15]))
    assert ids(response) == expected[:10]
    older = await bob.get("/api/v1/timelines/home", params={"limit": 10, "max_id": expected[9]})
    assert ids(older) == expected[10:]
    newer = await bob.get("/api/v1/timelines/home", params={"limit": 10, "min_id": posted[2]})
    assert ids(newer) == list(reversed(posted[3:13]))


async def test_a_warm_home_page_is_one_query_and_a_cold_one_two(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    for n in range(25):
        await alice.status(f"post {n}")
    await services.runner.drain()
    await bob.get("/api/v1/timelines/home", params={"limit": 1})  # warms the token cache
    # Posting rendered each status for its author through the status cache; a process that
    # has not seen them yet starts without.
    services.status_cache.clear()

    async def cost() -> int:
        before = services.db.query_count
        await services.runner.drain()  # the test client drains jobs after every response
        drain = services.db.query_count - before
        before = services.db.query_count
        assert len(await _home(bob, limit=20)) == 20
        return services.db.query_count - before - drain

    assert await cost() == 2  # the page, then the renderings it did not have
    assert await cost() == 1  # everything cached: the page alone
