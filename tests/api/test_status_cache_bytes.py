"""The status cache bounded by bytes (``PORINA_STATUS_CACHE_BYTES``): it forgets its oldest
statuses (and their encodings) beyond the limit, and an author's statuses read through a
cache that keeps only a few, or through a warm one, answer as the ORM's full read does for
every reader (private, direct, blocked, muted, pinned, boosts, polls, media, an anonymous
author); a cold page is two statements, a warm one is one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from porina.interactions.filters import apply_filters
from porina.interactions.viewer import viewer_state
from porina.posts.models import Status
from porina.posts.queries import S, bundle_select, to_bundle
from porina.render.quotes import fill, quoting_of
from porina.render.renderer import Renderer
from porina.render.status_cache import ENTRY_BYTES, TEXT_COPIES, Cached, Weighed, weight
from porina.services import Services
from porina.settings import Settings, SettingsError, load
from tests.timelines.test_read_paths_more import (
    ACCOUNT_PARAMS,
    _assert_same,
    _json,
    _page,
    _readers,
    _slow_account,
    _world,
)

from ..factories import Factory
from .test_status_cache_misses import _varied


def _kept(status_id: int, size: int) -> Cached:
    entity: Any = type("Fake", (), {"reblog": None})()
    return Cached(
        1,
        None,
        entity,
        Status(),
        None,
        status_id,
        1,
        True,
        None,
        "public",
        "public",
        ("a", None),
        size,
    )


def test_the_oldest_are_forgotten_beyond_the_bytes_and_take_their_encodings() -> None:
    dropped: list[int] = []
    kept = Weighed(size=1000, limit=10_000, dropped=dropped.append)
    for i in range(12):
        kept.put(i, _kept(i, 1000))
    assert kept.held <= kept.limit
    assert list(kept) == list(range(12 - len(kept), 12))  # the newest stay
    assert dropped == list(range(12 - len(kept)))
    assert kept.held == 1000 * len(kept)
    kept.put(11, _kept(11, 3000))  # replaced: the old weight goes
    assert kept.held == 1000 * (len(kept) - 1) + 3000
    kept.clear()
    assert kept.held == 0 and not kept


def test_the_count_still_bounds_them() -> None:
    kept = Weighed(size=10, limit=10**9, dropped=lambda _: None)
    for i in range(11):
        kept.put(i, _kept(i, 1))
    assert len(kept) == 9 and 10 in kept and 0 not in kept and kept.held == 9


def test_a_long_status_weighs_more() -> None:
    short: Any = SimpleNamespace(content="<p>hi</p>", spoiler_text="")
    long: Any = SimpleNamespace(content="<p>" + "x" * 5000 + "</p>", spoiler_text="cw")
    assert weight(short) == ENTRY_BYTES + TEXT_COPIES * 9
    assert weight(long) == ENTRY_BYTES + TEXT_COPIES * (len(long.content) + 2)


def test_the_setting_is_read_and_checked() -> None:
    assert Settings().status_cache_bytes == 160 * 1024 * 1024 > 14_005 * 6_400  # the bench
    assert load({"PORINA_STATUS_CACHE_BYTES": "1048576"}).status_cache_bytes == 1048576
    with pytest.raises(SettingsError):
        load({"PORINA_STATUS_CACHE_BYTES": "0"})


async def _same_as_the_full_read(
    services: Services, readers: Any, authors: list[int], params_list: list[dict[str, Any]]
) -> None:
    for viewer_id, get in readers:
        for author in authors:
            for params in params_list:
                slow = await _slow_account(services, viewer_id, author, params)
                response = await get(f"/api/v1/accounts/{author}/statuses", params=params)
                _assert_same(response, slow, (viewer_id, author, params))


async def test_a_small_cache_answers_as_the_full_read(services: Services, make: Factory) -> None:
    world = await _world(services, make)
    cache = services.status_cache
    authors = [p.account.id for p in (world.alice, world.carol, world.dave, world.erin)]
    readers = _readers(world, make)
    await _same_as_the_full_read(services, readers, authors, ACCOUNT_PARAMS)  # cold, then warm
    await _same_as_the_full_read(services, readers, authors, ACCOUNT_PARAMS)
    assert cache.statuses and cache.statuses.held <= cache.statuses.limit
    cache.statuses.limit = 3 * ENTRY_BYTES  # a few kept: every page evicts
    cache.clear()
    misses = cache.misses
    await _same_as_the_full_read(services, readers, authors, ACCOUNT_PARAMS)
    assert cache.misses > misses and len(cache.statuses) <= 3
    assert set(cache.encoded) <= set(cache.statuses)


async def _full_with_quotes(
    services: Services, viewer_id: int | None, author: int, params: dict[str, Any]
) -> tuple[Any, list[int]]:
    """The ORM's full read of an author's page (as ``_slow_account``), quotes filled as
    ``render/quotes.py`` fills them."""
    page = _page(params)
    query: Any = bundle_select(viewer_id).where(S.account_id == author)
    renderer = Renderer(services.settings)
    key: Any = S.id
    async with services.db.read() as session:
        rows = page.arrange((await session.execute(page.apply(query, key))).all())
        items = [to_bundle(row[:8]) for row in rows]
        body = renderer.bundles(items, await viewer_state(session, viewer_id, items), viewer_id)
        pairs = zip(items, body, strict=True)
        shown = [((b.reblog or b.entry).status, s.reblog or s) for b, s in pairs]
        await fill(renderer, session, viewer_id, quoting_of(shown))
    return _json(apply_filters(body, "account")), [b.entry.status.id for b in items]


async def test_anonymous_authors_polls_and_quotes_through_a_small_cache(
    services: Services, make: Factory
) -> None:
    people, ids = await _varied(services, make)
    async with services.db.read() as session:
        asked = await session.scalar(select(Status.account_id).where(Status.id == ids[-1]))
    assert asked is not None
    authors = [int(p.account.id) for p in people[:3]] + [asked]
    readers: list[tuple[int | None, Callable[..., Any]]] = [
        (None, make.client.get),
        *((int(p.account.id), p.get) for p in people[:3]),
    ]
    cache = services.status_cache
    for limit in (10**9, 2 * ENTRY_BYTES):
        cache.statuses.limit = limit
        cache.clear()
        for _ in range(2):  # cold, then warm (or evicted again)
            for viewer_id, get in readers:
                for author in authors:
                    for params in ({}, {"limit": 3}):
                        full = await _full_with_quotes(services, viewer_id, author, params)
                        response = await get(f"/api/v1/accounts/{author}/statuses", params=params)
                        _assert_same(response, full, (viewer_id, author, params))


async def _statements(
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    get: Callable[[], Awaitable[httpx.Response]],
) -> int:
    """Statements one request ran, on the engine and on the driver, less the test client's
    look for due jobs around it."""
    ran: list[str] = []
    fast = services.db.fast
    fetch = fast.fetch

    async def counted(statement: Any, params: Any) -> Any:
        ran.append(statement.compiled(fast.dialect).sql)
        return await fetch(statement, params)

    def seen(*args: Any) -> None:
        ran.append(args[2])

    await services.runner.drain()
    engine = services.db.engine.sync_engine
    monkeypatch.setattr(fast, "fetch", counted)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = await get()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        monkeypatch.undo()
    assert response.status_code == 200 and len(response.json()) > 5
    return len([sql for sql in ran if "jobs" not in sql.split("WHERE")[0]])


async def test_a_cold_page_is_two_statements_and_a_warm_one_one(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await _world(services, make)
    path = f"/api/v1/accounts/{world.alice.id}/statuses"
    await world.erin.get(path)  # the token
    services.status_cache.clear()
    assert await _statements(services, monkeypatch, lambda: world.erin.get(path)) == 2
    assert await _statements(services, monkeypatch, lambda: world.erin.get(path)) == 1
    services.status_cache.statuses.limit = 2 * ENTRY_BYTES  # one kept: each page misses
    services.status_cache.clear()
    for _ in range(2):
        assert await _statements(services, monkeypatch, lambda: world.erin.get(path)) == 2
