"""Notifications, conversations, a status and its context (anonymous readers too) and search
read on the home timeline's paths (page rows, the status cache, prebuilt statements; issue 14,
item 3): a warm request costs a pinned number of statements, and each answer is what the
ORM's full read (``posts.queries``, ``Renderer``) gives, in a world with private, direct,
blocked, muted and filtered content."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from porina.interactions.viewer import viewer_state
from porina.posts import thread
from porina.posts.models import Status
from porina.posts.queries import S, bundle_select, bundles
from porina.render.renderer import Renderer, statuses_by_id
from porina.search import queries as search
from porina.services import Services
from porina.timelines.queries import not_muted

from ..factories import Factory, Person


async def _cost(services: Services, request: Callable[[], Awaitable[httpx.Response]]) -> int:
    """Statements one request ran, without the test client's look for due jobs after it."""
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response = await request()
    assert response.status_code == 200, response.text
    return services.db.query_count - before - drain


@dataclass
class World:
    alice: Person
    bob: Person
    carol: Person
    dave: Person
    erin: Person
    statuses: list[str]
    """Every status posted, public or not."""
    root: str


async def _world(make: Factory) -> World:
    """alice posts in every visibility; bob follows her, blocks carol, mutes dave (his
    notifications hidden) and erin (hers shown), and hides a word with a filter; a thread
    holds replies of every kind, a poll and a boost."""
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    dave, erin = await make.person("dave"), await make.person("erin")
    await bob.follow(alice)
    await alice.follow(bob)
    posted: list[dict[str, Any]] = []
    poll = {"options": ["tea", "coffee"], "expires_in": 3600}
    root = await alice.status("coffee for everyone", poll=poll)
    posted.append(root)
    for who, text, extra in (
        (bob, "@alice coffee reply", {}),
        (carol, "@alice coffee from carol", {}),
        (dave, "@alice coffee from dave", {}),
        (erin, "@alice @bob coffee from erin", {}),
        (alice, "coffee for followers", {"visibility": "private"}),
        (alice, "@bob coffee secret just us", {"visibility": "direct"}),
        (carol, "@bob coffee direct to bob from carol", {"visibility": "direct"}),
        (erin, "@bob coffee direct to bob from erin", {"visibility": "direct"}),
        (alice, "coffee unlisted spoiler", {"visibility": "unlisted"}),
        (bob, "@alice coffee spoiler talk", {}),
    ):
        posted.append(await who.status(text, in_reply_to_id=root["id"], **extra))
    deeper = await carol.status("coffee deeper", in_reply_to_id=posted[1]["id"])
    posted.append(deeper)
    posted.append(await alice.status("coffee again #kahvi"))
    for who in (bob, carol, dave, erin):
        await who.post(f"/api/v1/statuses/{root['id']}/favourite")
        await who.post(f"/api/v1/statuses/{posted[1]['id']}/favourite")
    boost = await erin.post(f"/api/v1/statuses/{posted[1]['id']}/reblog")
    posted.append(boost.json())
    await bob.post(f"/api/v1/polls/{root['poll']['id']}/votes", json={"choices": [1]})
    await bob.post(f"/api/v1/statuses/{root['id']}/bookmark")
    for path, data in (
        (f"/api/v1/accounts/{carol.id}/block", {}),
        (f"/api/v1/accounts/{dave.id}/mute", {"notifications": "true"}),
        (f"/api/v1/accounts/{erin.id}/mute", {"notifications": "false"}),
    ):
        assert (await bob.post(path, data=data)).status_code == 200, path
    hide = await bob.post(
        "/api/v2/filters",
        data={
            "title": "No spoilers",
            "context[]": ["home", "public", "notifications", "thread"],
            "filter_action": "warn",
            "keywords_attributes[][keyword]": "spoiler",
        },
    )
    assert hide.status_code == 200, hide.text
    return World(alice, bob, carol, dave, erin, [p["id"] for p in posted], root["id"])


def _json(value: Any) -> Any:
    return msgspec.json.decode(msgspec.json.encode(value))


async def _slow_status(services: Services, viewer: Person | None, status_id: str) -> Any:
    async with services.db.read() as session:
        found = await statuses_by_id(
            Renderer(services.settings),
            session,
            viewer.account.id if viewer else None,
            [int(status_id)],
        )
    return _json(found[0]) if found else None


async def _slow_context(services: Services, viewer: Person | None, status_id: str) -> Any:
    viewer_id = viewer.account.id if viewer else None
    limits = thread.MASTODON if viewer else thread.MASTODON_ANONYMOUS
    async with services.db.read() as session:
        status = await session.get(Status, int(status_id))
        assert status is not None
        found = await thread.thread(session, viewer_id, status, limits)
        state = await viewer_state(session, viewer_id, found.bundles)
    shown = Renderer(services.settings).bundles(found.bundles, state, viewer_id)
    above = len(found.ancestors)
    return {"ancestors": _json(shown[:above]), "descendants": _json(shown[above:])}


async def test_a_status_and_its_context_read_as_before_for_everyone(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    readers: list[Person | None] = [None, world.alice, world.bob, world.carol, world.erin]
    for reader in readers:
        get = reader.get if reader else make.client.get
        for status_id in world.statuses:
            fast = await get(f"/api/v1/statuses/{status_id}")
            slow = await _slow_status(services, reader, status_id)
            assert (fast.json() if fast.status_code == 200 else None) == slow, (reader, status_id)
            context = await get(f"/api/v1/statuses/{status_id}/context")
            if fast.status_code == 200:
                assert context.json() == await _slow_context(services, reader, status_id)
            else:
                assert context.status_code == 404


async def test_anonymous_status_and_context_cost_a_pinned_number_of_statements(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    client = make.client
    services.status_cache.clear()
    status_path = f"/api/v1/statuses/{world.root}"
    context_path = f"{status_path}/context"
    assert await _cost(services, lambda: client.get(status_path)) == 2  # the row, the rendering
    assert await _cost(services, lambda: client.get(status_path)) == 1
    # the focus row, the shape, the thread's rows (the renderings it lacked: one more, cold)
    assert await _cost(services, lambda: client.get(context_path)) == 4
    assert await _cost(services, lambda: client.get(context_path)) == 3
    shown = (await client.get(context_path)).json()["descendants"]
    assert "coffee for followers" not in str(shown) and "secret" not in str(shown)
    assert all("favourited" not in s for s in shown)


async def _slow_search_statuses(services: Services, viewer: Person, q: str, **bounds: int) -> Any:
    """The statuses part of ``/api/v2/search`` as the ORM read it before (issue 14)."""
    viewer_id = viewer.account.id
    match = search.status_match(q, sqlite=services.db.is_sqlite)
    assert match is not None
    query = bundle_select(viewer_id).where(match, not_muted(viewer_id), S.reblog_of_id.is_(None))
    if "account_id" in bounds:
        query = query.where(S.account_id == bounds["account_id"])
    if "max_id" in bounds:
        query = query.where(S.id < bounds["max_id"])
    if "min_id" in bounds:
        query = query.where(S.id > bounds["min_id"])
    query = query.order_by(S.id.desc()).offset(bounds.get("offset", 0))
    async with services.db.read() as session:
        items = await bundles(session, query.limit(bounds.get("limit", 20)))
        state = await viewer_state(session, viewer_id, items)
    return _json(Renderer(services.settings).bundles(items, state, viewer_id))


async def test_search_finds_and_renders_what_the_full_read_did(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    await make.person("coffeelover", display_name="Coffee Lover")
    await world.erin.post("/api/v1/tags/kahvi/follow")
    for reader in (world.alice, world.bob, world.carol, world.erin):
        for asked in (
            {"q": "coffee"},
            {"q": "coffee", "limit": 3, "offset": 2},
            {"q": "coffee spoiler"},
            {"q": "coffee", "account_id": world.alice.account.id},
            {"q": "coffee", "max_id": int(world.statuses[6]), "min_id": int(world.statuses[1])},
        ):
            body = (await reader.get("/api/v2/search", params=asked)).json()
            slow = await _slow_search_statuses(
                services,
                reader,
                str(asked["q"]),
                **{k: int(v) for k, v in asked.items() if k != "q"},
            )
            assert body["statuses"] == slow, (reader.username, asked)
        for q in ("co", "@bob", "bo", "alice@testserver.local", "kah", "#kahvi", "nobody"):
            body = (await reader.get("/api/v2/search", params={"q": q})).json()
            people = await reader.get("/api/v1/accounts/search", params={"q": q, "limit": 20})
            assert body["accounts"] == people.json(), q
            for tag in body["hashtags"]:
                assert tag == (await reader.get(f"/api/v1/tags/{tag['name']}")).json()
    kahvi = (await world.erin.get("/api/v2/search", params={"q": "kahvi"})).json()["hashtags"]
    assert [(t["name"], t["following"]) for t in kahvi] == [("kahvi", True)]
    assert sum(int(d["uses"]) for d in kahvi[0]["history"]) == 1
    anonymous = (await make.client.get("/api/v2/search", params={"q": "kahvi"})).json()
    assert anonymous["statuses"] == [] and "following" not in anonymous["hashtags"][0]
    seen = (await world.bob.get("/api/v2/search", params={"q": "coffee", "limit": 40})).json()
    texts = str([s["content"] for s in seen["statuses"]])
    assert "carol" not in texts and "dave" not in texts and "erin" not in texts
    assert "secret just us" in texts  # a direct message to bob


async def test_a_warm_search_costs_a_pinned_number_of_statements(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    await make.person("quiet")  # posts nothing: no rendering of theirs is cached
    alice = world.alice  # no filters of her own (bob's cost one statement more)

    def ask(q: str) -> Callable[[], Awaitable[httpx.Response]]:
        return lambda: alice.get("/api/v2/search", params={"q": q})

    await alice.get("/api/v2/search", params={"q": "kahvi"})
    services.status_cache.clear()
    # statuses (their page rows, then the renderings), accounts, hashtags (none: no histories)
    assert await _cost(services, ask("coffee")) == 4
    assert await _cost(services, ask("coffee")) == 3
    # one tag: the tags, then their histories
    assert await _cost(services, ask("kahvi")) == 4
    assert await _cost(services, ask("quiet")) == 4  # the account's rendering, read once
    assert await _cost(services, ask("quiet")) == 3
    statuses_only = lambda: alice.get("/api/v2/search", params={"q": "coffee", "type": "statuses"})  # noqa: E731
    assert await _cost(services, statuses_only) == 1
