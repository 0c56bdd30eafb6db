"""The fan-out's prebuilt statements answer what the ORM statements answered: recipients
(``queries.audience`` against ``queries.recipients_select`` over varied statuses, with and
without the active-followers cut), trims (the newest ``cap`` entries of each feed kept), and
the statements a drained post job costs, however many followers it has."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from porina.accounts.models import Account
from porina.core.clock import now
from porina.interactions import tags
from porina.posts.actions import NewStatus, create_status
from porina.posts.models import Status
from porina.services import Services
from porina.timelines import jobs as timeline_jobs
from porina.timelines import queries
from porina.timelines.feeds_db import DatabaseFeedStore
from porina.timelines.models import HomeFeedEntry

from ..factories import Factory, Person
from ..groups import support as groups
from . import support as s


async def _orm_recipients(services: Services, status_id: int, since: Any) -> list[int]:
    async with services.db.read() as session:
        status = await session.get(Status, status_id)
        assert status is not None
        target = await session.get(Status, status.reblog_of_id) if status.reblog_of_id else None
        query = queries.recipients_select(status, target, active_since=since)
        return sorted(await session.scalars(query))


async def _prebuilt_recipients(services: Services, status_id: int, since: Any) -> list[int]:
    post = await queries.post_of(services.db, status_id)
    assert post is not None and not post.deleted
    return sorted(await queries.audience(services.db, post.audience, active_since=since))


async def _world(services: Services, make: Factory) -> tuple[dict[str, Person], list[int]]:
    names = ("alice", "bob", "carol", "dave", "erin", "frank", "gina", "ivy", "zed", "owner")
    p = {name: await make.person(name) for name in names}
    alice = p["alice"]
    for name in ("bob", "carol", "dave", "frank", "gina", "ivy"):
        await s.follow(services, p[name], alice)
    await s.follow(services, p["erin"], alice, show_reblogs=False)
    await s.follow(services, p["frank"], p["zed"])
    await s.mute(services, p["carol"], alice)
    await s.block(services, alice, p["dave"])
    await s.block(services, p["bob"], p["zed"])
    async with services.db.transaction() as tx:
        await tags.follow(tx, p["gina"].account.id, "coffee")
        await tags.follow(tx, p["owner"].account.id, "coffee")
        old = now() - timedelta(days=60)
        await tx.session.execute(
            update(Account).where(Account.id == p["ivy"].account.id).values(last_active_at=old)
        )
    group = await groups.create(p["owner"], "club", "private")
    await groups.join(p["bob"], group)
    zed = await s.post(services, p["zed"], "by zed")
    own = await s.post(services, alice, "own")
    statuses = [
        own,
        await s.post(services, alice, "coffee", tags=("coffee",)),
        await s.post(services, alice, "quiet", visibility="unlisted", tags=("coffee",)),
        await s.post(services, alice, "friends", visibility="private", mention=(p["ivy"],)),
        await s.post(services, alice, "dm", visibility="direct", mention=(p["ivy"], p["zed"])),
        await s.post(services, alice, "to zed", reply_to=zed),
        await s.post(services, alice, "to me", reply_to=own),
        await s.post(services, alice, reblog_of=zed),
        await s.post(services, alice, reblog_of=own),
        await s.post(services, p["zed"], reblog_of=own),
        {"id": (await groups.post_in(p["owner"], group, "members only"))["id"]},
    ]
    return p, [int(x["id"]) for x in statuses]


async def test_prebuilt_recipients_equal_the_orm_statements_for_every_kind_of_status(
    services: Services, make: Factory
) -> None:
    _, ids = await _world(services, make)
    tagged = await queries.post_of(services.db, ids[1])
    assert tagged is not None and tagged.tags == ["coffee"] and tagged.local
    for since in (None, now() - timedelta(days=30)):
        for status_id in ids:
            expected = await _orm_recipients(services, status_id, since)
            assert await _prebuilt_recipients(services, status_id, since) == expected, (
                status_id,
                since,
            )


async def test_a_deleted_status_or_boost_of_one_reads_as_deleted(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    original = await s.post(services, alice)
    boost = await s.post(services, bob, reblog_of=original)
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Status).where(Status.id == int(original["id"])).values(deleted_at=now())
        )
    post = await queries.post_of(services.db, int(original["id"]))
    assert post is not None and (post.deleted, post.target_deleted) == (True, False)
    post = await queries.post_of(services.db, int(boost["id"]))
    assert post is not None and (post.deleted, post.target_deleted) == (False, True)
    assert (post.audience.target_author, post.local, post.tags) == (alice.account.id, True, [])
    assert await queries.post_of(services.db, 1) is None


async def test_trim_keeps_the_newest_entries_of_each_feed(
    services: Services, make: Factory
) -> None:
    people = [await make.person(f"p{i}") for i in range(5)]
    author = await make.person("author")
    posted = [int((await s.post(services, author, f"n{i}"))["id"]) for i in range(12)]
    sizes = [0, 3, 4, 5, 12]  # empty, under, at, one over and far over the cap of 4
    async with services.db.transaction() as tx:
        for person, size in zip(people, sizes, strict=True):
            rows = [
                {"account_id": person.account.id, "status_id": sid, "target_id": sid}
                | {"author_id": author.account.id}
                for sid in posted[:size]
            ]
            if rows:
                await tx.session.execute(insert(HomeFeedEntry), rows)
    store = DatabaseFeedStore(services.db, 4)
    await store.trim_many([p.account.id for p in people] + [people[0].account.id])
    async with services.db.read() as session:
        for person, size in zip(people, sizes, strict=True):
            query = select(HomeFeedEntry.status_id).where(
                HomeFeedEntry.account_id == person.account.id
            )
            kept = sorted(await session.scalars(query))
            assert kept == sorted(posted[:size])[-4:]


async def _statements_of_a_post(services: Services, author: Person) -> int:
    async with services.db.transaction() as tx:
        await create_status(tx, author.actor, NewStatus(text="counted"))
    before = services.db.query_count
    assert await services.runner.drain() == 1
    return services.db.query_count - before


async def test_a_post_jobs_statements_do_not_grow_with_its_followers(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claim (an UPDATE ... RETURNING), the status, its lists, its recipients, their feeds'
    insert, the trim's read, the job's delete, and the drain's last claim that finds nothing:
    eight, for 2 followers or 70 (the ORM's path took 9 for 2: its claims were a select and
    an update; each statement was built and compiled or cache-keyed per job). Every feed is
    in the trim's sample here: with more than 64 recipients it takes those whose id plus the
    status's is a multiple of ``TRIM_EVERY``, and for 70 none was, about one run in a
    hundred (no trim read: seven)."""
    monkeypatch.setattr(timeline_jobs, "TRIM_EVERY", 1)
    author = await make.person("author")
    few = [await make.person(f"few{i}") for i in range(2)]
    for person in few:
        await s.follow(services, person, author)
    assert await _statements_of_a_post(services, author) == 8
    for i in range(68):
        await s.follow(services, await make.person(f"many{i}"), author)
    assert await _statements_of_a_post(services, author) == 8
