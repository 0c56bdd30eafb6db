"""The notifications list read through page rows and the status cache says exactly what the
full path says (any filter parameter takes the full path), keeps up with changes, and costs two
queries once the cache is warm."""

from __future__ import annotations

from typing import Any

from porina.services import Services

from ..factories import Factory, Person

# A filter that removes nothing, so the same page comes through the full path.
FULL_PATH = {"exclude_types[]": "admin.sign_up"}


async def _both(person: Person, **params: Any) -> tuple[list[Any], list[Any]]:
    cached = await person.get("/api/v1/notifications", params=params)
    full = await person.get("/api/v1/notifications", params={**params, **FULL_PATH})
    assert cached.status_code == full.status_code == 200, (cached.text, full.text)
    return cached.json(), full.json()


async def test_cached_and_full_paths_render_the_same_page(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    carol, dave = await make.person("carol"), await make.person("dave")
    await bob.follow(alice)
    mine = await alice.status("a poll", poll={"options": ["tea", "coffee"], "expires_in": 600})
    await carol.post(f"/api/v1/statuses/{mine['id']}/favourite")
    await dave.post(f"/api/v1/statuses/{mine['id']}/reblog")
    await bob.post(f"/api/v1/polls/{mine['poll']['id']}/votes", json={"choices": [1]})
    await bob.status("@alice hello there")
    await carol.status("@alice a secret", visibility="direct")
    await alice.post(f"/api/v1/accounts/{dave.id}/mute", json={"notifications": False})
    await dave.status("@alice from a muted account that still notifies")
    await alice.post(f"/api/v1/statuses/{mine['id']}/bookmark")
    cached, full = await _both(alice)
    assert cached == full
    types = {n["type"] for n in cached}
    assert {"follow", "favourite", "reblog", "mention"} <= types
    assert any(n["status"] and n["status"]["bookmarked"] for n in cached)
    older, older_full = await _both(alice, limit=2, max_id=cached[1]["id"])
    assert older == older_full == cached[2:4]
    newer, newer_full = await _both(alice, limit=2, min_id=cached[-1]["id"])
    assert newer == newer_full == cached[-3:-1]


async def test_a_notification_shows_its_status_as_it_is_now(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    mention = await bob.status("@alice first words")
    [seen] = (await alice.get("/api/v1/notifications")).json()
    assert "first words" in seen["status"]["content"]
    await bob.put(f"/api/v1/statuses/{mention['id']}", json={"status": "@alice better words"})
    await bob.patch("/api/v1/accounts/update_credentials", data={"display_name": "Bob B."})
    [seen] = (await alice.get("/api/v1/notifications")).json()
    assert "better words" in seen["status"]["content"]
    assert seen["account"]["display_name"] == seen["status"]["account"]["display_name"]
    assert seen["account"]["display_name"] == "Bob B."
    await bob.post(f"/api/v1/accounts/{alice.id}/block")
    assert (await alice.get("/api/v1/notifications")).json() == []


async def test_a_warm_notifications_page_is_two_queries(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    for n in range(5):
        status = await alice.status(f"post {n}")
        await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    await alice.get("/api/v1/notifications")  # token and renderings now cached

    before = services.db.query_count
    await services.runner.drain()  # the test client drains jobs after every response
    drain = services.db.query_count - before
    before = services.db.query_count
    assert len((await alice.get("/api/v1/notifications")).json()) == 5
    assert services.db.query_count - before - drain == 2  # notifications, their statuses
