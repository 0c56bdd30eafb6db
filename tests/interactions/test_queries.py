"""Notification and tag queries against the database alone (also run on PostgreSQL)."""

from __future__ import annotations

from porina.interactions import queries as iq
from porina.notifications import queries as q
from porina.services import Services

from ..factories import Factory
from .support import block, favourite, post, tag


async def test_shown_notifications_skip_invisible_statuses_and_blocked_senders(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    own = await post(services, alice, "mine")
    await favourite(services, bob, own)
    await favourite(services, carol, own)
    async with services.db.read() as session:
        shown = list(await session.scalars(q.notifications_select(alice.account.id)))
    assert {n.from_account_id for n in shown} == {bob.account.id, carol.account.id}
    await block(services, alice, carol)
    async with services.db.read() as session:
        shown = list(await session.scalars(q.notifications_select(alice.account.id)))
        group = await q.group(session, alice.account.id, f"favourite-{own}")
    assert [n.from_account_id for n in shown] == [bob.account.id]
    assert [n.from_account_id for n in group] == [bob.account.id]


async def test_tag_history_counts_todays_public_uses(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    cats = await tag(services, "cats")
    await post(services, alice, "#cats", tag=cats)
    await post(services, bob, "#cats", tag=cats)
    await post(services, bob, "#cats", tag=cats, visibility="direct")
    async with services.db.read() as session:
        days = await iq.tag_history(session, cats.id)
    assert [(d.uses, d.accounts) for d in days] == [(2, 2)] + [(0, 0)] * 6
