"""The desk files a customer's post with one read (``inbox.brands_with_conversations``): which
addressed accounts are brands, with the sender's conversation, its response clock, whether
the brand has enabled rules and whether the conversation has *Mentioned* rows. Its answer
equals the separate reads it replaced, and the sentiment of a status in the session equals
the one read back from the database."""

from __future__ import annotations

from sqlalchemy import select

from porina.core.clock import now
from porina.core.ids import new_id
from porina.desk import inbox, moods, rules
from porina.desk.metrics_models import DeskClock
from porina.desk.models import DeskMentioned
from porina.desk.rules_models import DeskRule
from porina.posts.models import Status
from porina.services import Services
from porina.storage.db import Tx

from ..factories import Factory
from .inbox_support import BASE, brand_with_agent, staff


async def _rule(services: Services, brand_id: int, *, enabled: bool) -> None:
    moment = now()
    async with services.db.transaction() as tx:
        row = DeskRule(
            id=new_id(),
            brand_account_id=brand_id,
            name="rule",
            position=1,
            enabled=enabled,
            created_at=moment,
            updated_at=moment,
        )
        tx.session.add(row)


async def _separately(tx: Tx, ids: set[int], contact_id: int) -> dict[int, inbox.Filing]:
    """The complete path: the brands, then each one's conversation, clock, rules, mentions."""
    found: dict[int, inbox.Filing] = {}
    for brand in [i for i in sorted(ids) if await inbox.is_brand(tx, i)]:
        conversation = await inbox.conversation_of(tx, brand, contact_id)
        clock, named = None, False
        if conversation is not None:
            clock = await tx.session.scalar(
                select(DeskClock).where(DeskClock.conversation_id == conversation.id)
            )
            rows = select(DeskMentioned).where(DeskMentioned.conversation_id == conversation.id)
            named = (await tx.session.scalars(rows)).first() is not None
        ruled = await rules.has_enabled(tx.session, brand)
        found[brand] = inbox.Filing(conversation, clock, ruled, named)
    return found


Plain = dict[int, tuple[int | None, int | None, bool, bool]]


def _plain(filed: dict[int, inbox.Filing]) -> Plain:
    return {
        brand: (
            f.conversation.id if f.conversation else None,
            f.clock.conversation_id if f.clock else None,
            f.has_rules,
            f.has_mentioned,
        )
        for brand, f in filed.items()
    }


async def test_one_read_answers_as_the_separate_reads(services: Services, make: Factory) -> None:
    desks = [await brand_with_agent(services, make, name) for name in ("cafe", "bar", "shop")]
    # cafe: a conversation with emma, rules on, a note mentioning a colleague; bar: nothing
    # with emma; shop: a follow only (a conversation without a clock), its rule disabled
    await staff(services, make, desks[0].brand, "cafe_ville")
    emma, olli = await make.person("emma"), await make.person("olli")
    cafe, bar, shop = (d.brand.account.id for d in desks)
    await _rule(services, cafe, enabled=True)
    await _rule(services, shop, enabled=False)
    await emma.status("@cafe is the terrace open?")
    await emma.follow(desks[2].brand)
    await olli.status("@cafe @bar hello")
    people = (emma.account.id, olli.account.id)
    async with services.db.transaction() as tx:
        with_cafe = await inbox.conversation_of(tx, cafe, people[0])
        with_shop = await inbox.conversation_of(tx, shop, people[0])
    assert with_cafe is not None and with_shop is not None
    note = await desks[0].post(f"{BASE}/{with_cafe.id}/notes", json={"text": "@cafe_ville look"})
    assert note.status_code == 200, note.text
    everyone = {cafe, bar, shop, *people}
    for contact in (*people, cafe):
        async with services.db.transaction() as tx:
            folded = await inbox.brands_with_conversations(tx, everyone, contact)
            complete = await _separately(tx, everyone, contact)
        assert _plain(folded) == _plain(complete)
    async with services.db.transaction() as tx:
        seen = _plain(await inbox.brands_with_conversations(tx, everyone, people[0]))
    assert seen == {
        cafe: (with_cafe.id, with_cafe.id, True, True),
        bar: (None, None, False, False),
        shop: (with_shop.id, None, False, False),
    }


async def test_the_mentioned_view_follows_the_customers_next_message(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    emma = await make.person("emma")
    await emma.status("@cafe my order was wrong")
    (listed,) = await desk.conversations()
    note = await desk.post(f"{BASE}/{listed['id']}/notes", json={"text": "@cafe_ville check"})
    assert note.status_code == 200, note.text
    done = await desk.post(f"{BASE}/{listed['id']}/status", json={"status": "resolved"})
    assert done.status_code == 200, done.text
    assert await colleague.conversations(view="mentioned") == []
    await emma.status("@cafe and it was cold too")
    (shown,) = await colleague.conversations(view="mentioned")
    assert (shown["id"], shown["status"]) == (listed["id"], "open")
    assert shown["last_activity_at"] > listed["last_activity_at"]


async def test_a_status_in_the_session_has_the_sentiment_read_back(
    services: Services, make: Factory
) -> None:
    emma = await make.person("emma")
    posts = [
        {"text": "Thank you, wonderful service!"},
        {"text": "Terrible, my order never came"},
        {"text": "ok"},
        {"text": "Kiitos, ihana palvelu!", "language": "fi"},
        {"text": "fine", "spoiler_text": "Awful, broken, refund now"},
    ]
    for body in posts:
        status_id = int((await emma.status(**body))["id"])
        async with services.db.transaction() as tx:
            read_back = await moods.of_status(tx, status_id)
            assert await tx.session.get(Status, status_id) is not None  # as a post's own row
            in_session = await moods.of_status(tx, status_id)
        assert read_back is not None and in_session == read_back
    async with services.db.transaction() as tx:
        assert await moods.of_status(tx, new_id()) is None
