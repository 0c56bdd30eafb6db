"""Direct conversations as direct statuses are posted, through the posting action alone (no HTTP
client, so these run on PostgreSQL too)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any, cast

from sqlalchemy import select

from porina.messaging.models import AccountConversation
from porina.posts.actions import NewStatus, create_status
from porina.services import Services

from ..factories import Factory, Person
from ..interactions.support import post, spelled


async def test_direct_status_keeps_one_row_per_participant_and_streams_after_commit(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    events = cast(
        AsyncGenerator[tuple[str, dict[str, Any]], None],
        services.broker.subscribe([f"direct:{bob.id}", f"user:{carol.id}"]),
    )
    first = asyncio.ensure_future(events.__anext__())
    await asyncio.sleep(0)
    sid = await post(services, alice, "hi @bob @carol", visibility="direct", mention=(bob, carol))
    received = [await asyncio.wait_for(first, 2)]
    while len(received) < 3:  # carol's mention notification, then the conversations
        received.append(await asyncio.wait_for(events.__anext__(), 2))
    conversations = [(c, m) for c, m in received if m["event"] == "conversation"]
    assert sorted(c for c, _ in conversations) == sorted([f"direct:{bob.id}", f"user:{carol.id}"])
    assert all(m["conversation_id"] == str(sid) for _, m in conversations)
    await events.aclose()
    async with services.db.read() as session:
        rows = {r.account_id: r for r in await session.scalars(select(AccountConversation))}
    assert set(rows) == {alice.account.id, bob.account.id, carol.account.id}
    assert rows[alice.account.id].participant_ids == sorted([bob.id, carol.id], key=int)
    assert rows[bob.account.id].participant_ids == sorted([alice.id, carol.id], key=int)
    assert rows[alice.account.id].unread is False
    assert rows[bob.account.id].unread is True and rows[carol.account.id].unread is True
    assert {r.conversation_id for r in rows.values()} == {sid}


async def test_a_reply_that_brings_in_someone_new_while_another_is_uncommitted_lands(
    services: Services, make: Factory
) -> None:
    """Two replies in one DM thread each add carol. The second is written while the first's
    transaction is still open (on PostgreSQL it waits for a conversation row the first holds,
    on SQLite for the write lock); it must not fail, and carol's row ends naming everyone, at
    the newer reply."""
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    first = await post(services, alice, "hi @bob", visibility="direct", mention=(bob,))

    def reply(*to: Person) -> NewStatus:
        return NewStatus(text=spelled("and", to), visibility="direct", in_reply_to_id=first)

    async def second() -> int:
        async with services.db.transaction() as tx:
            return (await create_status(tx, alice.actor, reply(bob, carol))).id

    async with services.db.transaction() as tx:
        await create_status(tx, bob.actor, reply(alice, carol))
        waiting = asyncio.ensure_future(second())
        await asyncio.sleep(0.5)  # the second reply reaches a locked row and waits
        assert not waiting.done()
    newer = await asyncio.wait_for(waiting, 10)
    async with services.db.read() as session:
        rows = {r.account_id: r for r in await session.scalars(select(AccountConversation))}
    assert set(rows) == {alice.account.id, bob.account.id, carol.account.id}
    assert {r.conversation_id for r in rows.values()} == {first}
    assert rows[carol.account.id].participant_ids == sorted([alice.id, bob.id], key=int)
    assert rows[carol.account.id].last_status_id == newer
    assert rows[carol.account.id].unread is True
    assert rows[bob.account.id].unread is True and rows[alice.account.id].unread is False
