"""Both feed stores, the database (embedded) and Redis (scale), pass the same tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import insert

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import Status
from porina.services import Services
from porina.timelines.feeds import Entry, FeedStore
from porina.timelines.feeds_db import DatabaseFeedStore
from porina.timelines.feeds_redis import RedisFeedStore

from ..factories import Factory
from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix

CAPACITY = 5


@pytest.fixture(params=["database", "redis"])
async def store(request: pytest.FixtureRequest, services: Services) -> AsyncIterator[FeedStore]:
    if request.param == "database":
        yield DatabaseFeedStore(services.db, CAPACITY)
        return
    require_redis()
    prefix = unique_prefix()
    redis_store = RedisFeedStore.from_url(REDIS_URL, CAPACITY, prefix)
    try:
        yield redis_store
    finally:
        await delete_prefix(REDIS_URL, prefix)
        await redis_store.close()


class World:
    """Accounts and statuses as rows, so the database store's foreign keys hold. Not through
    the actions: posting would fan out into the very store under test."""

    def __init__(self, services: Services, make: Factory) -> None:
        self.services = services
        self.make = make
        self.minute = 0

    async def people(self, n: int) -> list[int]:
        return [(await self.make.person(f"p{new_id() % 10**8}")).account.id for _ in range(n)]

    async def crowd(self, n: int) -> list[int]:
        """``n`` accounts as bare rows (a thousand people through the factory would each hash
        a password)."""
        ids = [new_id() for _ in range(n)]
        rows = [{"id": i, "username": f"c{i}", "created_at": now()} for i in ids]
        async with self.services.db.transaction() as tx:
            await tx.session.execute(insert(Account), rows)
        return ids

    async def status(self, author: int, reblog_of: int | None = None) -> Entry:
        self.minute += 1
        sid = new_id(now() + timedelta(minutes=self.minute))
        async with self.services.db.transaction() as tx:
            tx.session.add(
                Status(id=sid, account_id=author, reblog_of_id=reblog_of, created_at=now())
            )
        return Entry(status_id=sid, target_id=reblog_of or sid, author_id=author)


@pytest.fixture
def world(services: Services, make: Factory) -> World:
    return World(services, make)


async def newest(store: FeedStore, account: int, limit: int = 40) -> list[int]:
    return await store.page(account, max_id=None, since_id=None, min_id=None, limit=limit)


async def test_an_entry_fans_out_to_every_feed_once(store: FeedStore, world: World) -> None:
    reader1, reader2, author = await world.people(3)
    post = await world.status(author)
    assert await store.add([reader1, reader2, reader1], post) == 2
    assert await store.add([reader1, reader2], post) == 0  # a retried job adds nothing
    assert await newest(store, reader1) == [post.status_id]
    assert await newest(store, reader2) == [post.status_id]
    assert await store.size(reader1) == 1


async def test_a_reblog_of_a_post_already_in_the_feed_is_skipped(
    store: FeedStore, world: World
) -> None:
    reader, author, booster, other = await world.people(4)
    post = await world.status(author)
    await store.add([reader], post)
    reblog = await world.status(booster, reblog_of=post.status_id)
    second = await world.status(other, reblog_of=post.status_id)
    assert await store.add([reader], reblog) == 0
    assert await store.add([reader], second) == 0
    assert await newest(store, reader) == [post.status_id]


async def test_two_reblogs_of_one_post_show_once(store: FeedStore, world: World) -> None:
    reader, author, booster, other = await world.people(4)
    post = await world.status(author)
    first = await world.status(booster, reblog_of=post.status_id)
    second = await world.status(other, reblog_of=post.status_id)
    assert await store.add([reader], first) == 1
    assert await store.add([reader], second) == 0
    assert await newest(store, reader) == [first.status_id]


async def test_removing_an_entry_lets_its_post_come_back(store: FeedStore, world: World) -> None:
    reader, author, booster = await world.people(3)
    post = await world.status(author)
    await store.add([reader], post)
    await store.remove([reader], post.status_id)
    assert await newest(store, reader) == []
    reblog = await world.status(booster, reblog_of=post.status_id)
    assert await store.add([reader], reblog) == 1
    assert await newest(store, reader) == [reblog.status_id]


async def test_removing_from_every_feed(store: FeedStore, world: World) -> None:
    reader1, reader2, author = await world.people(3)
    post, kept = await world.status(author), await world.status(author)
    await store.add([reader1, reader2], post)
    await store.add([reader1, reader2], kept)
    await store.remove(None, post.status_id)
    assert await newest(store, reader1) == [kept.status_id]
    assert await newest(store, reader2) == [kept.status_id]


async def test_a_fan_out_and_its_removal_reach_thousands_of_feeds(
    store: FeedStore, world: World
) -> None:
    crowd = await world.crowd(2500)  # more than one chunk of 1,000
    post = await world.status(crowd[0])
    assert await store.add(crowd, post) == 2500
    assert await newest(store, crowd[-1]) == [post.status_id]
    await store.remove(crowd, post.status_id)
    assert [await store.size(reader) for reader in crowd[::500]] == [0] * 5
    assert await newest(store, crowd[-1]) == []


async def test_remove_author_drops_only_their_entries(store: FeedStore, world: World) -> None:
    reader, gone, stays, booster = await world.people(4)
    theirs = await world.status(gone)
    mine = await world.status(stays)
    boosted = await world.status(booster, reblog_of=mine.status_id)
    other = await world.status(stays)
    for entry in (theirs, mine, other):
        await store.add([reader], entry)
    await store.add([reader], boosted)  # skipped: mine is there
    await store.remove_author(reader, gone)
    assert await newest(store, reader) == [other.status_id, mine.status_id]
    assert await store.add([reader], theirs) == 1  # its target is free again


async def test_pages_by_max_id_since_id_and_min_id(store: FeedStore, world: World) -> None:
    reader, author = await world.people(2)
    posts = [await world.status(author) for _ in range(5)]
    for entry in posts:
        await store.add([reader], entry)
    ids = [p.status_id for p in reversed(posts)]  # newest first
    assert await newest(store, reader, limit=2) == ids[:2]
    page = await store.page(reader, max_id=ids[1], since_id=None, min_id=None, limit=2)
    assert page == ids[2:4]
    page = await store.page(reader, max_id=None, since_id=ids[3], min_id=None, limit=2)
    assert page == ids[:2]
    page = await store.page(reader, max_id=None, since_id=None, min_id=ids[3], limit=2)
    assert page == ids[1:3]  # the page just above min_id, newest first
    page = await store.page(reader, max_id=ids[0], since_id=None, min_id=ids[3], limit=5)
    assert page == ids[1:3]


async def test_pages_are_exact_for_ids_closer_than_a_double_can_tell(
    store: FeedStore, world: World
) -> None:
    reader, author = await world.people(2)
    base = await world.status(author)
    entries = [base]
    for step in range(1, 4):  # ids 1 apart share one double score in Redis
        sid = base.status_id + step
        async with world.services.db.transaction() as tx:  # an id of our choosing: a row
            tx.session.add(Status(id=sid, account_id=author, created_at=now()))
        entries.append(Entry(status_id=sid, target_id=sid, author_id=author))
    for entry in entries:
        await store.add([reader], entry)
    ids = [e.status_id for e in reversed(entries)]
    assert await newest(store, reader) == ids
    page = await store.page(reader, max_id=ids[1], since_id=None, min_id=None, limit=1)
    assert page == [ids[2]]
    page = await store.page(reader, max_id=None, since_id=None, min_id=ids[2], limit=1)
    assert page == [ids[1]]
    page = await store.page(reader, max_id=None, since_id=ids[2], min_id=None, limit=3)
    assert page == ids[:2]


async def test_trim_keeps_the_newest_entries(store: FeedStore, world: World) -> None:
    reader, author = await world.people(2)
    posts = [await world.status(author) for _ in range(CAPACITY + 3)]
    for entry in posts:
        await store.add([reader], entry)
    await store.trim(reader)
    assert await store.size(reader) == CAPACITY
    assert await newest(store, reader) == [p.status_id for p in reversed(posts)][:CAPACITY]
