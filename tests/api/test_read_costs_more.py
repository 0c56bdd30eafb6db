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
import pytest
from sqlalchemy import update

from porina.accounts.models import Account
from porina.api.mastodon import auth
from porina.api.mastodon import conversations as conversations_api
from porina.api.mastodon import notifications as notifications_api
from porina.api.mastodon.pagination import Page
from porina.core.clock import now
from porina.interactions.viewer import viewer_state
from porina.messaging import queries as conversations
from porina.messaging.models import AccountConversation
from porina.notifications import queries as notifications
from porina.notifications.models import Notification
from porina.posts import thread
from porina.posts.models import Status
from porina.posts.queries import S, bundle_select, bundles
from porina.render.renderer import Renderer, statuses_by_id
from porina.search import queries as search
from porina.services import Services
from porina.timelines.queries import not_muted

from ..factories import Factory, Person


@pytest.fixture(autouse=True)
def _tokens_stay_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    """The costs pinned here are a warm request's: on a loaded machine a test can outlast the
    token cache's 10 s, and reading the token again is not what these tests measure."""
    monkeypatch.setattr(auth, "CACHE_SECONDS", 3600.0)


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
    # the shape with the focus's reply-to, the thread's rows with the focus's (the renderings
    # it lacked: one more, cold)
    assert await _cost(services, lambda: client.get(context_path)) == 3
    assert await _cost(services, lambda: client.get(context_path)) == 2
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


async def _slow_notifications(services: Services, viewer: Person, params: dict[str, Any]) -> Any:
    """``/api/v1/notifications`` as the ORM read it before (issue 14)."""
    me = viewer.account.id
    types = frozenset(params.get("types[]", ())) & notifications_api.TYPES
    wanted = notifications.NotificationFilter(
        types=types or frozenset({"none"} if "types[]" in params else ()),
        exclude_types=frozenset(params.get("exclude_types[]", ())),
        account_id=int(params["account_id"]) if "account_id" in params else None,
        include_filtered=params.get("include_filtered") == "true",
    )
    page = Page(
        max_id=int(params["max_id"]) if "max_id" in params else None,
        since_id=None,
        min_id=int(params["min_id"]) if "min_id" in params else None,
        limit=int(params.get("limit", 40)),
    )
    async with services.db.read() as session:
        query = page.apply(notifications.notifications_select(me, wanted), Notification.id)
        notes = page.arrange(list(await session.scalars(query)))
        body = await notifications_api.render_notifications(
            Renderer(services.settings), session, me, notes
        )
        grouped = await notifications_api.scan_orm(
            session, me, wanted, page, frozenset(notifications_api.GROUPED)
        )
        groups = await notifications_api.grouped_results(
            Renderer(services.settings), session, me, grouped, paged=True
        )
    return _json(body), _json(groups)


async def test_notifications_read_as_before(services: Services, make: Factory) -> None:
    world = await _world(make)
    await world.alice.post(f"/api/v1/accounts/{world.erin.id}/mute", data={"notifications": "true"})
    for who in (world.carol, world.dave):
        await who.follow(world.alice)
    policy = {"for_not_following": "filter"}
    assert (await world.bob.patch("/api/v2/notifications/policy", json=policy)).status_code == 200
    stranger = await make.person("stranger")
    await stranger.status("@bob coffee from a stranger")  # held back by bob's policy
    for reader in (world.alice, world.bob):
        first = (await reader.get("/api/v1/notifications")).json()
        assert first, reader.username
        middle = first[len(first) // 2]["id"]
        for params in (
            {},
            {"limit": 3},
            {"limit": 2, "max_id": middle},
            {"limit": 2, "min_id": middle},
            {"types[]": ["favourite", "mention"]},
            {"exclude_types[]": ["favourite"]},
            {"types[]": ["nonsense"]},
            {"account_id": world.bob.id},
            {"include_filtered": "true"},
        ):
            fast = await reader.get("/api/v1/notifications", params=params)
            grouped = await reader.get("/api/v2/notifications", params=params)
            slow, slow_grouped = await _slow_notifications(services, reader, params)
            assert fast.json() == slow, (reader.username, params)
            assert grouped.json() == slow_grouped, (reader.username, params)
        for item in first:
            one = await reader.get(f"/api/v1/notifications/{item['id']}")
            assert one.json() == item
    statuses = [n["status"] for n in (await world.alice.get("/api/v1/notifications")).json()]
    assert not any("erin" in str(s) for s in statuses if s)  # her notifications are muted
    assert (await world.alice.get("/api/v1/notifications/123")).status_code == 404


async def test_warm_notifications_cost_a_pinned_number_of_statements(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    alice = world.alice  # no filters of her own
    single = (await alice.get("/api/v1/notifications", params={"limit": 1})).json()[0]["id"]
    paths = (
        "/api/v1/notifications?limit=20",
        "/api/v1/notifications?limit=20&exclude_types[]=follow",
        "/api/v2/notifications?limit=20",
        f"/api/v1/notifications/{single}",
    )
    for path in paths:
        await alice.get(path)
        # the notifications, their statuses' page rows
        assert await _cost(services, lambda path=path: alice.get(path)) == 2, path


async def _slow_conversations(services: Services, viewer: Person, page: Page) -> Any:
    """``/api/v1/conversations`` as the ORM read it before (issue 14)."""
    me = viewer.account.id
    async with services.db.read() as session:
        query = page.apply(
            conversations.conversations_select(me), AccountConversation.last_status_id
        )
        rows = page.arrange(list(await session.scalars(query)))
        body = await conversations_api.render_conversations(
            Renderer(services.settings), session, me, rows
        )
    return _json(body)


async def test_conversations_read_as_before(services: Services, make: Factory) -> None:
    world = await _world(make)
    bob = world.bob
    await world.alice.status(f"@bob @{world.dave.username} coffee for three", visibility="direct")
    await bob.status(f"@{world.erin.username} coffee spoiler for erin", visibility="direct")
    gone = await make.person("gone")
    await gone.status("@bob coffee from someone soon suspended", visibility="direct")
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account).where(Account.id == gone.account.id).values(suspended_at=now())
        )
    listed = (await bob.get("/api/v1/conversations")).json()
    assert len(listed) >= 4
    middle = int(listed[len(listed) // 2]["last_status"]["id"])
    for reader in (world.alice, bob, world.carol, world.dave, world.erin):
        for page in (
            Page(None, None, None, 20),
            Page(None, None, None, 2),
            Page(middle, None, None, 2),
            Page(None, None, middle, 2),
            Page(None, middle, None, 20),
        ):
            params = {
                k: v
                for k, v in (
                    ("max_id", page.max_id),
                    ("since_id", page.since_id),
                    ("min_id", page.min_id),
                    ("limit", page.limit),
                )
                if v is not None
            }
            fast = await reader.get("/api/v1/conversations", params=params)
            assert fast.json() == await _slow_conversations(services, reader, page), (
                reader.username,
                params,
            )
    names = [[a["username"] for a in c["accounts"]] for c in listed]
    assert ["alice", "dave"] in names and ["erin"] in names
    assert not any("gone" in n for n in names)


async def test_a_warm_conversations_page_costs_a_pinned_number_of_statements(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    alice = world.alice  # no filters of her own
    await alice.get("/api/v1/conversations")
    services.status_cache.clear()
    # the conversations, the participants, the last statuses' page rows; cold: the renderings
    assert await _cost(services, lambda: alice.get("/api/v1/conversations")) == 5
    assert await _cost(services, lambda: alice.get("/api/v1/conversations")) == 3


async def test_quotes_cost_one_more_statement_and_only_when_the_page_has_them(
    services: Services, make: Factory
) -> None:
    """A page with quote posts reads their quoted posts (and the quoted posts' own quotes)
    in one more statement, whatever the number of quotes; a page without reads none."""
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    await bob.follow(alice)
    await bob.follow(carol)
    plain = (await alice.status("plain"))["id"]
    home, public, one = "/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/statuses"
    for path in (home, public, f"{one}/{plain}"):
        await bob.get(path)
        assert await _cost(services, lambda path=path: bob.get(path)) == 1, path
    first = await carol.status("first")
    for n in range(3):
        quote = await carol.post(
            "/api/v1/statuses", json={"status": f"q{n}", "quoted_status_id": first["id"]}
        )
        assert quote.status_code == 200, quote.text
    nested = await alice.post(
        "/api/v1/statuses", json={"status": "q of q", "quoted_status_id": quote.json()["id"]}
    )
    for path in (home, public, f"{one}/{nested.json()['id']}"):
        await bob.get(path)
        assert await _cost(services, lambda path=path: bob.get(path)) == 2, path
    notes = "/api/v1/notifications"
    assert any(n["type"] == "quote" for n in (await carol.get(notes)).json())
    # the notifications, their statuses' page rows (pinned above), the quoted posts
    assert await _cost(services, lambda: carol.get(notes)) == 3


async def test_a_deleted_or_unknown_focus_has_no_context_and_its_replies_keep_theirs(
    services: Services, make: Factory
) -> None:
    world = await _world(make)
    reply, deeper = world.statuses[1], world.statuses[11]
    assert (await world.bob.delete(f"/api/v1/statuses/{reply}")).status_code == 200
    for reader in (None, world.alice, world.bob, world.carol):
        get = reader.get if reader else make.client.get
        assert (await get(f"/api/v1/statuses/{reply}/context")).status_code == 404
        assert (await get("/api/v1/statuses/12345/context")).status_code == 404
        context = await get(f"/api/v1/statuses/{deeper}/context")
        if context.status_code == 200:
            assert context.json() == await _slow_context(services, reader, deeper)
            assert reply not in {s["id"] for s in context.json()["ancestors"]}
        else:
            assert (await get(f"/api/v1/statuses/{deeper}")).status_code == 404
