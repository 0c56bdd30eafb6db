"""The hashtag, list and account-statuses timelines, favourites and bookmarks read like the
home timeline (issue 14, item 3): one prebuilt statement for the page (candidates,
visibility, versions, the viewer's marks) and renderings from the status cache, so a warm
page is one statement; and each answer (statuses and ``Link`` header) is what the ORM's full
read (``posts.queries.bundle_select``, ``Renderer``) gave before, in a world with private,
direct, blocked, muted, boosted, pinned, tagged, filtered and remote content."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec
from sqlalchemy import ColumnElement, exists, func, or_, select, update

from porina.accounts.models import Account, Follow
from porina.api.mastodon.pagination import Page
from porina.interactions.filters import FilterContext, apply_filters
from porina.interactions.models import Bookmark, Favourite
from porina.interactions.viewer import viewer_state
from porina.lists.models import List, ListAccount
from porina.posts.models import MediaAttachment, Status, StatusPin, StatusTag, Tag
from porina.posts.queries import A, S, bundle_select, to_bundle
from porina.render.renderer import Renderer, statuses_by_id
from porina.services import Services
from porina.timelines import tag as tag_rows
from porina.timelines.home import Window
from porina.timelines.queries import not_muted

from ..factories import Factory, Person
from .support import post

WHOLE = Window(None, None, None, 40)


async def _cost(services: Services, request: Callable[[], Awaitable[httpx.Response]]) -> int:
    """Statements one request ran, without the test client's look for due jobs after it."""
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response = await request()
    assert response.status_code == 200, response.text
    assert response.json(), "a warm page that shows something"
    return services.db.query_count - before - drain


@dataclass
class World:
    alice: Person
    bob: Person
    carol: Person
    dave: Person
    erin: Person
    far: Person
    """An account made remote (a domain set) after it posted."""
    lists: dict[str, str]
    """bob's lists by replies policy."""


async def _world(services: Services, make: Factory) -> World:
    """alice posts in every visibility, with tags, media, a poll and pins; bob follows alice,
    dave and erin, blocks carol, mutes dave, favourites and bookmarks (some of it he may no
    longer see) and has a filter that hides "spoiler" on profiles and in public, and warns
    elsewhere; boosts of blocked, muted and private statuses; replies of every kind."""
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    dave, erin, far = await make.person("dave"), await make.person("erin"), await make.person()
    for who, whom in ((bob, alice), (bob, dave), (bob, erin), (erin, alice), (alice, bob)):
        await who.follow(whom)
    poll = {"options": ["tea", "coffee"], "expires_in": 3600}
    root = await alice.status("coffee #kahvi for everyone", poll=poll)
    both = await alice.status("#kahvi and #tee")
    await post(services, alice, "a picture #kahvi", tags=("Kahvi",), media=True)
    secret = await alice.status("#kahvi for followers", visibility="private")
    await alice.status("#kahvi unlisted", visibility="unlisted")
    await alice.status(f"@{bob.username} #kahvi just us", visibility="direct")
    spoiler = await alice.status("#kahvi spoiler alert")
    from_carol = await carol.status("#kahvi from carol")
    from_dave = await dave.status("#kahvi #tee from dave")
    for who, text, extra in (
        (bob, "@alice bob replies", {}),
        (erin, "@alice erin replies", {}),
        (dave, "@alice dave replies", {}),
        (alice, "alice to herself", {}),
        (erin, "@alice private reply", {"visibility": "private"}),
    ):
        await who.status(text, in_reply_to_id=root["id"], **extra)
    await erin.status(f"@{dave.username} erin to dave")
    await erin.status(f"@{carol.username} erin to carol")
    await erin.status(f"@{bob.username} erin to bob #tee")
    await far.status("#kahvi from far away")
    await far.status("#tee far")
    for target in (from_carol, from_dave, root, secret):
        await erin.post(f"/api/v1/statuses/{target['id']}/reblog")
    await alice.post(f"/api/v1/statuses/{from_carol['id']}/reblog")
    await alice.post(f"/api/v1/statuses/{from_dave['id']}/reblog")
    for pinned in (both, secret):
        assert (await alice.post(f"/api/v1/statuses/{pinned['id']}/pin")).status_code == 200
    for target in (root, both, secret, from_carol, spoiler, from_dave):
        await bob.post(f"/api/v1/statuses/{target['id']}/favourite")
        await bob.post(f"/api/v1/statuses/{target['id']}/bookmark")
    await bob.post(f"/api/v1/polls/{root['poll']['id']}/votes", json={"choices": [1]})
    lists = {}
    for policy in ("list", "followed", "none"):
        created = await bob.post("/api/v1/lists", data={"title": policy, "replies_policy": policy})
        lists[policy] = created.json()["id"]
        members = {"account_ids[]": [alice.id, dave.id, erin.id]}
        added = await bob.post(f"/api/v1/lists/{lists[policy]}/accounts", data=members)
        assert added.status_code == 200, added.text
    for path in (f"/api/v1/accounts/{carol.id}/block", f"/api/v1/accounts/{dave.id}/mute"):
        assert (await bob.post(path)).status_code == 200, path
    for action, contexts in (("hide", ["account", "public"]), ("warn", ["home", "thread"])):
        made = await bob.post(
            "/api/v2/filters",
            data={
                "title": f"spoilers ({action})",
                "context[]": contexts,
                "filter_action": action,
                "keywords_attributes[][keyword]": "spoiler",
            },
        )
        assert made.status_code == 200, made.text
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == far.account.id)
            .values(domain="far.example", version=Account.version + 1)
        )
        await tx.session.execute(  # renderings made while it was local are stale
            update(Status)
            .where(Status.account_id == far.account.id)
            .values(version=Status.version + 1)
        )
    await services.runner.drain()
    return World(alice, bob, carol, dave, erin, far, lists)


def _json(value: Any) -> Any:
    return msgspec.json.decode(msgspec.json.encode(value))


def _page(params: dict[str, Any]) -> Page:
    def bound(name: str) -> int | None:
        return int(params[name]) if name in params else None

    limit = int(params.get("limit", 20))
    return Page(bound("max_id"), bound("since_id"), bound("min_id"), limit)


def _tagged(given: Sequence[str]) -> ColumnElement[bool]:
    """The slow path's ``tagged`` (api/mastodon/timelines.py before issue 14)."""
    wanted = [n.lstrip("#").lower() for n in given if n.strip("# ")]
    return exists().where(
        StatusTag.status_id == S.id,
        StatusTag.tag_id.in_(select(Tag.id).where(func.lower(Tag.name).in_(wanted))),
    )


def _own_replies() -> ColumnElement[bool]:
    return or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == S.account_id)


def _media() -> ColumnElement[bool]:
    return exists().where(MediaAttachment.status_id == S.id)


async def _slow_page(
    services: Services,
    viewer_id: int | None,
    query: Any,
    params: dict[str, Any],
    context: FilterContext,
) -> tuple[Any, list[int]]:
    """The slow path's ``render_page``: the page's statuses and the ids its Link carries."""
    page = _page(params)
    async with services.db.read() as session:
        rows = page.arrange((await session.execute(page.apply(query, S.id))).all())
        items = [to_bundle(row[:8]) for row in rows]
        state = await viewer_state(session, viewer_id, items)
    body = Renderer(services.settings).bundles(items, state, viewer_id)
    return _json(apply_filters(body, context)), [b.entry.status.id for b in items]


def _listed(params: dict[str, Any], name: str) -> list[str]:
    value = params.get(name, [])
    return value if isinstance(value, list) else [value]


async def _slow_tag(
    services: Services, viewer_id: int | None, hashtag: str, params: dict[str, Any]
) -> tuple[Any, list[int]]:
    query = bundle_select(viewer_id).where(S.visibility == "public", S.reblog_of_id.is_(None))
    if params.get("local"):
        query = query.where(A.domain.is_(None))
    elif params.get("remote"):
        query = query.where(A.domain.is_not(None))
    if params.get("only_media"):
        query = query.where(_media())
    query = query.where(_tagged([hashtag, *_listed(params, "any[]")]))
    for name in _listed(params, "all[]"):
        query = query.where(_tagged([name]))
    if none := _listed(params, "none[]"):
        query = query.where(~_tagged(none))
    if viewer_id is not None:
        query = query.where(not_muted(viewer_id))
    return await _slow_page(services, viewer_id, query, params, "public")


async def _slow_list(
    services: Services, viewer_id: int, list_id: int, params: dict[str, Any]
) -> tuple[Any, list[int]]:
    async with services.db.read() as session:
        found = await session.get(List, list_id)
    assert found is not None
    members = select(ListAccount.account_id).where(ListAccount.list_id == list_id)
    query = bundle_select(viewer_id).where(S.account_id.in_(members), not_muted(viewer_id))
    if found.replies_policy == "none":
        replies = _own_replies()
    elif found.replies_policy == "followed":
        following = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
        replies = or_(
            _own_replies(),
            S.in_reply_to_account_id.in_(following),
            S.in_reply_to_account_id == viewer_id,
        )
    else:
        replies = or_(_own_replies(), S.in_reply_to_account_id.in_(members))
    return await _slow_page(services, viewer_id, query.where(replies), params, "home")


async def _slow_account(
    services: Services, viewer_id: int | None, account_id: int, params: dict[str, Any]
) -> tuple[Any, list[int]]:
    query = bundle_select(viewer_id).where(S.account_id == account_id)
    if params.get("pinned"):
        pin = exists().where(StatusPin.account_id == account_id, StatusPin.status_id == S.id)
        query = query.where(pin)
    if params.get("only_media"):
        query = query.where(_media())
    if params.get("exclude_replies"):
        query = query.where(_own_replies())
    if params.get("exclude_reblogs"):
        query = query.where(S.reblog_of_id.is_(None))
    if tag := params.get("tagged"):
        query = query.where(_tagged([tag]))
    return await _slow_page(services, viewer_id, query, params, "account")


async def _slow_marks(
    services: Services,
    viewer_id: int,
    model: type[Bookmark] | type[Favourite],
    params: dict[str, Any],
) -> tuple[Any, list[int]]:
    page = _page(params)
    owned = select(model.id, model.status_id).where(model.account_id == viewer_id)
    async with services.db.read() as session:
        rows = page.arrange((await session.execute(page.apply(owned, model.id))).all())  # type: ignore[arg-type]
        statuses = await statuses_by_id(
            Renderer(services.settings), session, viewer_id, [row.status_id for row in rows]
        )
    return _json(statuses), [row.id for row in rows]


def _differences(fast: Any, slow: Any, at: str = "") -> list[str]:
    """Where two JSON values differ (for the failure message)."""
    if isinstance(fast, dict) and isinstance(slow, dict):
        keys = sorted(set(fast) | set(slow))
        return [d for k in keys for d in _differences(fast.get(k), slow.get(k), f"{at}.{k}")]
    if isinstance(fast, list) and isinstance(slow, list) and len(fast) == len(slow):
        return [
            d
            for n, pair in enumerate(zip(fast, slow, strict=True))
            for d in _differences(*pair, f"{at}[{n}]")
        ]
    return [] if fast == slow else [f"{at}: {fast!r} != {slow!r}"[:300]]


def _assert_same(response: httpx.Response, slow: tuple[Any, list[int]], what: Any) -> None:
    assert response.status_code == 200, (what, response.text)
    body, ids = slow
    assert response.json() == body, (what, _differences(response.json(), body))
    if not ids:
        assert "link" not in response.headers, what
        return
    link = response.headers["link"]
    assert f"max_id={ids[-1]}>" in link and f"min_id={ids[0]}>" in link, (what, link, ids)


def _readers(world: World, make: Factory) -> list[tuple[int | None, Callable[..., Any]]]:
    people = (world.alice, world.bob, world.carol, world.dave, world.erin)
    return [(None, make.client.get), *((p.account.id, p.get) for p in people)]


def _bounded(ids: list[int]) -> list[dict[str, Any]]:
    """Pages around the middle of ``ids`` (a full page's ids, newest first)."""
    if len(ids) < 3:
        return []
    middle = str(ids[len(ids) // 2])
    return [
        {"limit": 2, "max_id": middle},
        {"limit": 2, "min_id": middle},
        {"limit": 2, "since_id": middle},
    ]


TAG_PARAMS: list[dict[str, Any]] = [
    {},
    {"limit": 3},
    {"local": "true"},
    {"remote": "true"},
    {"only_media": "true"},
    {"any[]": ["tee", "#nothing"]},
    {"all[]": "TEE"},
    {"all[]": "#"},
    {"none[]": ["tee"]},
    {"none[]": ["#"]},
]


async def test_tag_timelines_answer_as_the_full_read_did(services: Services, make: Factory) -> None:
    world = await _world(services, make)
    for viewer_id, get in _readers(world, make):
        for hashtag, asked in (("kahvi", TAG_PARAMS), ("Tee", TAG_PARAMS[:2]), ("%23", [{}])):
            for params in asked:
                what = (viewer_id, hashtag, params)
                slow = await _slow_tag(services, viewer_id, hashtag.replace("%23", "#"), params)
                response = await get(f"/api/v1/timelines/tag/{hashtag}", params=params)
                _assert_same(response, slow, what)
                for bounded in _bounded(slow[1]):
                    paged = {**params, **bounded}
                    slow_page = await _slow_tag(services, viewer_id, hashtag, paged)
                    response = await get(f"/api/v1/timelines/tag/{hashtag}", params=paged)
                    _assert_same(response, slow_page, (what, bounded))


async def test_one_tag_read_from_its_rows_answers_as_the_full_read_after_delete_and_suspension(
    services: Services, make: Factory
) -> None:
    """A single tag's page is read from the tag's ``status_tags`` rows (``timelines/tag.py``);
    a deleted tagged status, a suspended author and a tag name in capitals (beyond ASCII too)
    change nothing against the full read, for every reader and page."""
    world = await _world(services, make)
    gone = await world.alice.status("#kahvi soon deleted")
    await world.alice.status("#Päivä a name beyond ASCII, stored lower-cased")
    assert (await world.alice.delete(f"/api/v1/statuses/{gone['id']}")).is_success
    async with services.db.engine.begin() as conn:
        await conn.execute(
            update(Account)
            .where(Account.id == world.far.account.id)
            .values(suspended_at=func.now())
        )
    for viewer_id, get in _readers(world, make):
        for hashtag in ("päivä", "PÄIVÄ"):  # the rows (a Link header would carry the name)
            found = await tag_rows.rows(
                services.db,
                viewer_id,
                WHOLE,
                tag_rows.TagQuery.of(hashtag, [], [], []),
                origin="all",
                media=False,
            )
            slow = await _slow_tag(services, viewer_id, hashtag, {})
            assert [row.id for row in found] == slow[1] != [], (viewer_id, hashtag)
        for hashtag in ("kahvi", "KAHVI", "tee", "nothing"):
            slow = await _slow_tag(services, viewer_id, hashtag, {})
            response = await get(f"/api/v1/timelines/tag/{hashtag}")
            _assert_same(response, slow, (viewer_id, hashtag))
            assert int(gone["id"]) not in slow[1]
            for bounded in _bounded(slow[1]):
                slow_page = await _slow_tag(services, viewer_id, hashtag, bounded)
                response = await get(f"/api/v1/timelines/tag/{hashtag}", params=bounded)
                _assert_same(response, slow_page, (viewer_id, hashtag, bounded))


async def test_list_timelines_answer_as_the_full_read_did(
    services: Services, make: Factory
) -> None:
    world = await _world(services, make)
    bob = world.bob
    for policy, list_id in world.lists.items():
        slow = await _slow_list(services, bob.account.id, int(list_id), {})
        assert slow[0], policy
        response = await bob.get(f"/api/v1/timelines/list/{list_id}")
        _assert_same(response, slow, policy)
        for bounded in [{"limit": 3}, *_bounded(slow[1])]:
            slow_page = await _slow_list(services, bob.account.id, int(list_id), bounded)
            response = await bob.get(f"/api/v1/timelines/list/{list_id}", params=bounded)
            _assert_same(response, slow_page, (policy, bounded))
        other = await world.alice.get(f"/api/v1/timelines/list/{list_id}")
        assert other.status_code == 404 and "error" in other.json()
    empty = (await bob.post("/api/v1/lists", data={"title": "empty"})).json()["id"]
    found = await bob.get(f"/api/v1/timelines/list/{empty}")
    assert found.status_code == 200 and found.json() == []
    for missing in ("123456789", "not-an-id"):
        assert (await bob.get(f"/api/v1/timelines/list/{missing}")).status_code == 404


ACCOUNT_PARAMS: list[dict[str, Any]] = [
    {},
    {"limit": 4},
    {"pinned": "true"},
    {"only_media": "true"},
    {"exclude_replies": "true"},
    {"exclude_reblogs": "true"},
    {"exclude_replies": "true", "exclude_reblogs": "true"},
    {"tagged": "KAHVI"},
    {"tagged": "#"},
]


async def test_account_statuses_answer_as_the_full_read_did(
    services: Services, make: Factory
) -> None:
    world = await _world(services, make)
    authors = (world.alice, world.carol, world.dave, world.erin)
    for viewer_id, get in _readers(world, make):
        for author in authors:
            path = f"/api/v1/accounts/{author.id}/statuses"
            for params in ACCOUNT_PARAMS:
                what = (viewer_id, author.username, params)
                slow = await _slow_account(services, viewer_id, author.account.id, params)
                _assert_same(await get(path, params=params), slow, what)
                for bounded in _bounded(slow[1]):
                    slow_page = await _slow_account(
                        services, viewer_id, author.account.id, {**params, **bounded}
                    )
                    response = await get(path, params={**params, **bounded})
                    _assert_same(response, slow_page, (what, bounded))
    for missing in ("123456789", "not-an-id"):
        response = await world.bob.get(f"/api/v1/accounts/{missing}/statuses")
        assert response.status_code == 404 and "error" in response.json()


async def test_favourites_and_bookmarks_answer_as_the_full_read_did(
    services: Services, make: Factory
) -> None:
    world = await _world(services, make)
    await world.bob.post(f"/api/v1/accounts/{world.alice.id}/unfollow")  # her private post
    for path, model in (("/api/v1/favourites", Favourite), ("/api/v1/bookmarks", Bookmark)):
        for person in (world.bob, world.erin):
            viewer_id = person.account.id
            slow = await _slow_marks(services, viewer_id, model, {})
            _assert_same(await person.get(path), slow, (path, person.username))
            for bounded in [{"limit": 2}, *_bounded(slow[1])]:
                slow_page = await _slow_marks(services, viewer_id, model, bounded)
                _assert_same(await person.get(path, params=bounded), slow_page, (path, bounded))
    hidden = await world.bob.get("/api/v1/bookmarks")
    assert "for followers" not in hidden.text and "from carol" not in hidden.text


async def test_warm_pages_are_one_statement(services: Services, make: Factory) -> None:
    """One statement when every rendering is cached; a viewer with filters adds one (their
    filters are read to match), as on home."""
    world = await _world(services, make)
    alice, bob, erin = world.alice, world.bob, world.erin
    listed = (await erin.post("/api/v1/lists", data={"title": "A"})).json()["id"]
    await erin.post(f"/api/v1/lists/{listed}/accounts", data={"account_ids[]": alice.id})
    for status in (await alice.get(f"/api/v1/accounts/{alice.id}/statuses")).json()[:3]:
        await erin.post(f"/api/v1/statuses/{status['id']}/favourite")
        await erin.post(f"/api/v1/statuses/{status['id']}/bookmark")
    one: list[Callable[[], Awaitable[httpx.Response]]] = [
        lambda: erin.get("/api/v1/timelines/tag/kahvi"),
        lambda: erin.get("/api/v1/timelines/tag/kahvi", params={"any[]": "tee", "none[]": "x"}),
        lambda: make.client.get("/api/v1/timelines/tag/kahvi", params={"local": "true"}),
        lambda: erin.get(f"/api/v1/timelines/list/{listed}"),
        lambda: erin.get(f"/api/v1/accounts/{alice.id}/statuses"),
        lambda: erin.get(f"/api/v1/accounts/{alice.id}/statuses", params={"pinned": "true"}),
        lambda: make.client.get(
            f"/api/v1/accounts/{alice.id}/statuses", params={"exclude_replies": "true"}
        ),
        lambda: erin.get("/api/v1/favourites"),
        lambda: erin.get("/api/v1/bookmarks"),
    ]
    services.status_cache.clear()
    for request in one:
        await request()  # warms the token cache and the status cache
        assert await _cost(services, request) == 1
    with_filters: list[Callable[[], Awaitable[httpx.Response]]] = [
        lambda: bob.get(f"/api/v1/timelines/list/{world.lists['list']}"),
        lambda: bob.get("/api/v1/bookmarks"),
    ]
    for request in with_filters:
        await request()
        assert await _cost(services, request) == 2


async def test_a_hashtag_beyond_ascii_pages_through_its_link_header(make: Factory) -> None:
    """The ``Link`` header percent-encodes the path (UTF-8): a hashtag such as ``päivä``
    made a header Latin-1 could not carry; following its next link gives the older page."""
    alice = await make.person("alice")
    posted = [(await alice.status(f"#Päivä number {n}"))["id"] for n in range(3)]
    first = await alice.get("/api/v1/timelines/tag/PÄIVÄ", params={"limit": 2})
    assert [s["id"] for s in first.json()] == posted[:0:-1]
    link = first.headers["link"]
    assert "/api/v1/timelines/tag/P%C3%84IV%C3%84?limit=2&max_id=" in link and link.isascii()
    older = link.split(">")[0].lstrip("<").split("/api/v1/timelines/tag/", 1)[1]
    rest = await alice.get(f"/api/v1/timelines/tag/{older}")
    assert [s["id"] for s in rest.json()] == posted[:1]
