"""A list's page reads the members' newest statuses first and checks only those
(``timelines/lists_page.py``): when most of them are hidden from the owner (a muted member,
replies the list leaves out), the page still holds the older statuses it may show, in one
statement, whichever way it pages."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory, Person


async def _statements(services: Services, person: Person, path: str, **params: Any) -> Any:
    """The page's ids, and the statements it ran when asked a second time (the first
    renders the statuses into the cache; the test client's look for due jobs left out)."""
    await person.get(path, params=params)
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response: httpx.Response = await person.get(path, params=params)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()], services.db.query_count - before - drain


async def test_hidden_newest_statuses_leave_the_older_ones_on_the_page(
    services: Services, make: Factory
) -> None:
    bob, alice, dave, carol = [await make.person(n) for n in ("bob", "alice", "dave", "carol")]
    for member in (alice, dave):
        await bob.follow(member)
    listed = (
        await bob.post("/api/v1/lists", data={"title": "cafe", "replies_policy": "none"})
    ).json()["id"]
    members = {"account_ids[]": [alice.id, dave.id]}
    assert (await bob.post(f"/api/v1/lists/{listed}/accounts", data=members)).status_code == 200
    shown = [(await alice.status(f"visible {n}"))["id"] for n in range(3)]
    root = await carol.status("a thread bob's list leaves out")
    for n in range(5):  # replies to someone else: the "none" policy hides them
        await alice.status(f"reply {n}", in_reply_to_id=root["id"])
    assert (await bob.post(f"/api/v1/accounts/{dave.id}/mute")).status_code == 200
    for n in range(6):  # a muted member's posts: hidden
        await dave.status(f"muted {n}")
    path = f"/api/v1/timelines/list/{listed}"
    newest_first = list(reversed(shown))
    assert await _statements(services, bob, path, limit=2) == (newest_first[:2], 1)
    assert await _statements(services, bob, path, limit=2, max_id=newest_first[1]) == (
        newest_first[2:],
        1,
    )
    assert await _statements(services, bob, path, limit=2, min_id=shown[0]) == (
        list(reversed(shown[1:3])),
        1,
    )
    assert await _statements(services, bob, path, limit=40) == (newest_first, 1)
