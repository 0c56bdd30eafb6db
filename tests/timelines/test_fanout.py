from __future__ import annotations

from sqlalchemy import func, select

from porina.interactions import tags
from porina.services import Services
from porina.timelines import jobs
from porina.timelines.feeds_db import DatabaseFeedStore
from porina.timelines.models import HomeFeedEntry

from ..factories import Factory, Person
from . import support as s


async def feed(services: Services, person: Person) -> list[int]:
    return await services.feeds.page(
        person.account.id, max_id=None, since_id=None, min_id=None, limit=40
    )


async def test_post_reaches_author_and_local_followers_feeds(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    status = await s.post(services, alice)
    sid = int(status["id"])
    assert await feed(services, alice) == [sid]
    assert await feed(services, bob) == [sid]
    assert await feed(services, carol) == []


async def test_direct_post_reaches_only_mentioned_accounts(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    status = await s.post(services, alice, visibility="direct", mention=(carol,))
    assert await feed(services, bob) == []
    assert await feed(services, carol) == [int(status["id"])]


async def test_reply_to_stranger_skips_followers_who_do_not_follow_them(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    bob, carol, dave = (
        await make.person("bob"),
        await make.person("carol"),
        await make.person("dave"),
    )
    await s.follow(services, bob, alice)
    await s.follow(services, carol, alice)
    await s.follow(services, carol, dave)
    original = await s.post(services, dave, "question")
    reply = await s.post(services, alice, "answer", reply_to=original)
    assert int(reply["id"]) not in await feed(services, bob)
    assert int(reply["id"]) in await feed(services, carol)


async def test_second_reblog_of_a_post_is_skipped_and_show_reblogs_off_is_respected(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    dave, erin = await make.person("dave"), await make.person("erin")
    await s.follow(services, dave, bob)
    await s.follow(services, dave, carol)
    await s.follow(services, dave, alice, show_reblogs=False)
    original = await s.post(services, erin, "orig")
    first = await s.post(services, bob, reblog_of=original)
    await s.post(services, carol, reblog_of=original)
    await s.post(services, alice, reblog_of=await s.post(services, erin, "another"))
    assert await feed(services, dave) == [int(first["id"])]


async def test_blocking_or_muting_follower_does_not_get_the_post(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    await s.follow(services, carol, alice)
    await s.mute(services, bob, alice)
    await s.block(services, alice, carol)
    await s.post(services, alice)
    assert await feed(services, bob) == []
    assert await feed(services, carol) == []


async def test_hashtag_followers_get_public_tagged_posts(services: Services, make: Factory) -> None:

    alice, bob = await make.person("alice"), await make.person("bob")
    first = await s.post(services, alice, tags=("coffee",))
    async with services.db.transaction() as tx:
        await tags.follow(tx, bob.account.id, "coffee")
    second = await s.post(services, alice, tags=("coffee",))
    await s.post(services, alice, tags=("coffee",), visibility="unlisted")
    assert await feed(services, bob) == [int(second["id"])]
    assert int(first["id"]) not in await feed(services, bob)


async def test_delete_removes_entry_from_every_feed(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    status = await s.post(services, alice)
    await s.delete(services, status)
    assert await feed(services, bob) == []
    assert await feed(services, alice) == []


async def test_follow_merges_recent_posts_and_unfollow_removes_them(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    public = await s.post(services, alice, "public")
    private = await s.post(services, alice, "private", visibility="private")
    await s.post(services, alice, "direct", visibility="direct")
    await s.follow(services, bob, alice)
    assert await feed(services, bob) == [int(private["id"]), int(public["id"])]
    await s.unfollow(services, bob, alice)
    assert await feed(services, bob) == []


async def test_fanout_job_run_twice_inserts_once(services: Services, make: Factory) -> None:

    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    status = await s.post(services, alice)
    await jobs.fanout(services, {"status_id": status["id"]})
    async with services.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(HomeFeedEntry))
    assert count == 2


async def test_feed_is_trimmed_to_the_configured_size(make: Factory, services: Services) -> None:

    alice = await make.person("alice")
    store = DatabaseFeedStore(services.db, 3)
    services.feeds = store
    posted = [int((await s.post(services, alice, f"n{i}"))["id"]) for i in range(5)]
    assert await feed(services, alice) == list(reversed(posted))[:3]
