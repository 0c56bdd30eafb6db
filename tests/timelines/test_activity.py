"""Fan-out skips followers who have been away longer than ``feed_active_days`` and rebuilds a
returning follower's feed before their first page (both feed stores)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from porina.accounts.models import Account
from porina.api.mastodon.auth import load_viewer
from porina.core.clock import now
from porina.services import Services
from porina.timelines import activity
from porina.timelines.feeds_redis import RedisFeedStore

from ..factories import Factory, Person
from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix
from . import support as s


@pytest.fixture(params=["database", "redis"])
async def feeds(request: pytest.FixtureRequest, services: Services) -> AsyncIterator[str]:
    if request.param == "database":
        yield "database"
        return
    require_redis()
    prefix = unique_prefix()
    store = RedisFeedStore.from_url(REDIS_URL, services.settings.home_feed_size, prefix)
    kept, services.feeds = services.feeds, store
    try:
        yield "redis"
    finally:
        services.feeds = kept
        await delete_prefix(REDIS_URL, prefix)
        await store.close()


async def feed(services: Services, person: Person) -> list[int]:
    return await services.feeds.page(
        person.account.id, max_id=None, since_id=None, min_id=None, limit=40
    )


async def last_seen(services: Services, person: Person, days_ago: float | None) -> None:
    moment = None if days_ago is None else now() - timedelta(days=days_ago)
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account).where(Account.id == person.account.id).values(last_active_at=moment)
        )


async def alice_and_followers(services: Services, make: Factory) -> list[Person]:
    """alice, and bob, carol and dave following her."""
    alice, bob, carol, dave = [await make.person(n) for n in ("alice", "bob", "carol", "dave")]
    for follower in (bob, carol, dave):
        await s.follow(services, follower, alice)
    return [alice, bob, carol, dave]


async def seen_recently_long_ago_never(
    services: Services, bob: Person, carol: Person, dave: Person
) -> None:
    await last_seen(services, bob, 2)  # within the 7 days
    await last_seen(services, carol, 30)  # away
    await last_seen(services, dave, None)  # never seen: counts as active


async def test_a_post_skips_followers_away_longer_than_the_window(
    services: Services, make: Factory, feeds: str
) -> None:
    alice, bob, carol, dave = await alice_and_followers(services, make)
    await seen_recently_long_ago_never(services, bob, carol, dave)
    sid = int((await s.post(services, alice, "news"))["id"])
    assert sid in await feed(services, bob)
    assert sid in await feed(services, dave)
    assert sid not in await feed(services, carol)
    assert sid in await feed(services, alice)  # the author always


async def test_a_mentioned_account_gets_the_post_however_long_away(
    services: Services, make: Factory, feeds: str
) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    await s.follow(services, carol, alice)
    await last_seen(services, carol, 30)
    sid = int((await s.post(services, alice, "hi", visibility="private", mention=(carol,)))["id"])
    assert sid in await feed(services, carol)


async def test_a_follower_back_after_long_away_finds_what_was_posted_meanwhile(
    services: Services, make: Factory, feeds: str
) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    await s.follow(services, carol, alice)
    before = int((await s.post(services, alice, "before"))["id"])
    await last_seen(services, carol, 30)
    meanwhile = int((await s.post(services, alice, "meanwhile"))["id"])
    assert await feed(services, carol) == [before]
    services.token_cache.clear()  # a week later nothing is cached
    assert await load_viewer(services, carol.token) is not None  # her first request back
    assert await feed(services, carol) == [meanwhile, before]
    async with services.db.read() as session:
        seen = await session.scalar(
            select(Account.last_active_at).where(Account.id == carol.account.id)
        )
    assert seen is not None and seen > now() - timedelta(minutes=1)
    later = int((await s.post(services, alice, "later"))["id"])
    assert (await feed(services, carol))[0] == later  # active again: fan-out reaches her


async def test_being_seen_is_written_at_most_once_a_day(services: Services, make: Factory) -> None:
    carol = await make.person("carol")
    await last_seen(services, carol, 3)
    before = services.db.query_count
    await activity.seen(services, carol.account.id, now() - timedelta(hours=2))
    assert services.db.query_count == before  # seen today: nothing read or written
    await activity.seen(services, carol.account.id, now() - timedelta(days=3))
    async with services.db.read() as session:
        seen = await session.scalar(
            select(Account.last_active_at).where(Account.id == carol.account.id)
        )
    assert seen is not None and seen > now() - timedelta(minutes=1)


async def test_the_first_home_page_back_is_complete(services: Services, make: Factory) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    await s.follow(services, carol, alice)
    before = int((await s.post(services, alice, "before"))["id"])
    await last_seen(services, carol, 30)
    meanwhile = int((await s.post(services, alice, "meanwhile"))["id"])
    services.token_cache.clear()
    response = await carol.get("/api/v1/timelines/home")
    assert response.status_code == 200
    assert [int(x["id"]) for x in response.json()] == [meanwhile, before]


async def test_idle_feeds_are_dropped_and_rebuilt_on_return(
    services: Services, make: Factory, feeds: str
) -> None:
    alice, bob, carol, dave = await alice_and_followers(services, make)
    first = int((await s.post(services, alice, "first"))["id"])
    await seen_recently_long_ago_never(services, bob, carol, dave)
    assert await activity.drop_idle_feeds(services) == 1
    assert await feed(services, carol) == []
    assert await feed(services, bob) == [first]
    assert await feed(services, dave) == [first]
    meanwhile = int((await s.post(services, alice, "meanwhile"))["id"])
    services.token_cache.clear()
    assert await load_viewer(services, carol.token) is not None
    assert await feed(services, carol) == [meanwhile, first]


async def test_no_feed_is_dropped_when_every_follower_gets_posts(
    services: Services, make: Factory
) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    await s.follow(services, carol, alice)
    first = int((await s.post(services, alice, "first"))["id"])
    await last_seen(services, carol, 300)
    kept, services.settings = services.settings, replace(services.settings, feed_active_days=0)
    try:
        assert await activity.drop_idle_feeds(services) == 0
    finally:
        services.settings = kept
    assert await feed(services, carol) == [first]
