"""FastReader runs prebuilt Core statements on the driver: same answers as the session, sees
a write as soon as it commits, and counts as a query."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import BigInteger, String, bindparam, select

from porina.accounts.models import Account
from porina.posts.models import Status
from porina.services import Services
from porina.storage.db import in_slots, slot_values
from porina.storage.fastread import STREAM_POOL, Prebuilt, lane
from porina.storage.gathered import gathered_ids, ids_of

from ..factories import Factory

WHO = Prebuilt(
    select(Account.username, Account.statuses_count)
    .where(Account.id == bindparam("who", type_=BigInteger))
    .where(Account.actor_type.in_(("Person", "Organization")))
)


async def test_fast_read_sees_committed_writes_and_counts_as_a_query(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    before = services.db.query_count
    assert await services.db.fast.fetch(WHO, {"who": alice.account.id}) == [("alice", 0)]
    assert services.db.query_count == before + 1
    await alice.status("hello")
    assert await services.db.fast.fetch(WHO, {"who": alice.account.id}) == [("alice", 1)]
    assert await services.db.fast.fetch(WHO, {"who": alice.account.id + 1}) == []


NAMES = Prebuilt(
    select(Account.username)
    .where(Account.id.in_(in_slots("porina_who", 16)))
    .where(Account.username.not_in(in_slots("porina_not", 4, String)))
    .order_by(Account.username)
)


async def test_id_lists_answer_as_the_session_does(services: Services, make: Factory) -> None:
    """An ``IN`` list of slots (padded with its first id) and a ``NOT IN`` list of names:
    the rows a session's expanding ``IN`` finds (on PostgreSQL each list is one array)."""
    people = [await make.person(name) for name in ("ann", "bob", "cid", "dan", "eve")]
    ids = [p.account.id for p in people[:4]]
    given = {
        **slot_values("porina_who", ids, 16),
        **slot_values("porina_not", ["bob", "nobody"], 4),
    }
    rows = await services.db.fast.fetch(NAMES, given)
    async with services.db.read() as session:
        expected = (
            await session.scalars(
                select(Account.username)
                .where(Account.id.in_(ids))
                .where(Account.username.not_in(["bob", "nobody"]))
                .order_by(Account.username)
            )
        ).all()
    assert [r[0] for r in rows] == list(expected) == ["ann", "cid", "dan"]
    compiled = NAMES.compiled(services.db.engine.dialect)
    assert len(compiled.arguments(given)) == (20 if services.db.is_sqlite else 2)


BY_AUTHOR = Prebuilt(
    select(Status.account_id, gathered_ids(Status.id))
    .where(Status.account_id.in_(in_slots("porina_who", 4)))
    .group_by(Status.account_id)
)


async def test_gathered_ids_come_back_as_each_groups_ids(services: Services, make: Factory) -> None:
    """``gathered_ids`` (an array on PostgreSQL, text on SQLite): one row per author, holding
    exactly that author's statuses, read back as ints by ``ids_of``."""
    ann, bob, cid = [await make.person(name) for name in ("ann", "bob", "cid")]
    made: dict[int, list[int]] = {p.account.id: [] for p in (ann, bob)}
    for person, text in ((ann, "one"), (bob, "two"), (ann, "three")):
        made[person.account.id].append(int((await person.status(text))["id"]))
    who = [ann.account.id, bob.account.id, cid.account.id]
    rows = await services.db.fast.fetch(BY_AUTHOR, slot_values("porina_who", who, 4))
    found = {int(author): sorted(ids_of(ids)) for author, ids in rows}
    assert found == {author: sorted(ids) for author, ids in made.items()}  # cid: no row


@pytest.mark.postgres
async def test_the_streaming_lane_reads_on_a_pool_of_its_own(
    services: Services, make: Factory
) -> None:
    """Reads inside ``lane("stream")`` (the streaming hub's, and the tasks it starts) take
    connections from a pool of their own, at most ``STREAM_POOL``; the API's pool is left
    for the API's reads. Both answer the same."""
    alice = await make.person("alice")
    fast = services.db.fast
    api = await fast.fetch(WHO, {"who": alice.account.id})
    with lane("stream"):
        streamed = await asyncio.gather(
            *(fast.fetch(WHO, {"who": alice.account.id}) for _ in range(12))
        )
    assert streamed == [api] * 12
    loop = asyncio.get_running_loop()
    pools = {name: pool for (owner, name), pool in fast._pools.items() if owner is loop}
    assert set(pools) == {"api", "stream"}
    assert pools["stream"].get_max_size() == STREAM_POOL < pools["api"].get_max_size()
    assert pools["stream"].get_size() <= STREAM_POOL  # twelve reads, four connections at most


async def test_the_streaming_lanes_sqlite_reads_run_off_the_event_loop(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the API's reads run on the event loop's thread (shorter than a thread hop);
    the hub's (``lane("stream")``: a batch's statuses for hundreds of readers) in a worker
    thread, so the loop serves requests meanwhile. PostgreSQL reads are asyncpg's, awaited
    on the loop, with no SQLite connection at all."""
    alice = await make.person("alice")
    fast = services.db.fast
    threads: list[int] = []
    original = fast._sqlite_fetch

    def recording(sql: str, arguments: list[Any]) -> list[Any]:
        threads.append(threading.get_ident())
        return original(sql, arguments)

    monkeypatch.setattr(fast, "_sqlite_fetch", recording)
    api = await fast.fetch(WHO, {"who": alice.account.id})
    with lane("stream"):
        streamed = await fast.fetch(WHO, {"who": alice.account.id})
    assert streamed == api == [("alice", 0)]
    loop_thread = threading.get_ident()
    if services.db.is_sqlite:
        assert threads[0] == loop_thread and threads[1] != loop_thread
    else:
        assert threads == []
