"""Ingestion: everything that reaches a brand becomes an item of the person's one
conversation with it; messages reopen, light items do not; replays add nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from porina.core.actor import Actor
from porina.core.events import Followed, StatusCreated
from porina.desk.models import DeskConversation, DeskItem
from porina.jobs.events import emit
from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, brand_with_agent, kinds


async def test_a_mention_opens_a_conversation_and_a_new_thread_joins_it(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    first = await emma.status("@cafe is the terrace open today?")
    second = await emma.status("@cafe also, do you have oat milk?")
    listed = await desk.conversations()
    assert [c["contact"]["id"] for c in listed] == [emma.id]
    assert listed[0]["status"] == "open"
    shown = await desk.conversation(listed[0]["id"])
    assert kinds(shown) == ["mention", "mention"]
    assert [i["status"]["id"] for i in shown["items"]] == [first["id"], second["id"]]
    assert all(i["account"]["id"] == emma.id for i in shown["items"])


async def test_reply_quote_and_direct_message_are_items_of_their_kind(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    post = await desk.brand.status("New cinnamon buns today")
    emma = await make.person("emma")
    await emma.status("Are they vegan?", in_reply_to_id=post["id"])
    await emma.status("Look at these", quoted_status_id=post["id"])
    await emma.status("@cafe can I book a table for six?", visibility="direct")
    (listed,) = await desk.conversations()
    assert kinds(await desk.conversation(listed["id"])) == ["reply", "quote", "direct"]


async def test_posts_that_do_not_reach_a_brand_make_no_conversation(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma, olli = await make.person("emma"), await make.person("olli")
    await emma.status("@olli lunch?")
    await olli.status("just a post")
    await emma.status("@olli secret", visibility="direct")
    assert await desk.conversations(view="all") == []
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(DeskConversation)) == 0


async def test_a_new_message_reopens_a_resolved_conversation(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe thanks for the coffee")
    (listed,) = await desk.conversations()
    done = await desk.post(f"{BASE}/{listed['id']}/status", json={"status": "resolved"})
    assert done.status_code == 200, done.text
    assert await desk.conversations() == []
    await emma.status("@cafe one more question")
    (again,) = await desk.conversations()
    assert (again["id"], again["status"]) == (listed["id"], "open")


async def test_light_items_join_but_never_reopen(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    post = await desk.brand.status("Our summer menu")
    emma = await make.person("emma")
    await emma.status("@cafe lovely!")
    (listed,) = await desk.conversations()
    await desk.post(f"{BASE}/{listed['id']}/status", json={"status": "resolved"})
    assert (await emma.post(f"/api/v1/statuses/{post['id']}/favourite")).status_code == 200
    assert (await emma.post(f"/api/v1/statuses/{post['id']}/reblog")).status_code == 200
    await emma.follow(desk.brand)
    assert await desk.conversations() == []
    (resolved,) = await desk.conversations(status="resolved")
    assert kinds(await desk.conversation(resolved["id"])) == [
        "mention",
        "favourite",
        "reblog",
        "follow",
    ]


async def test_a_light_item_from_someone_new_starts_a_resolved_conversation(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    olli = await make.person("olli")
    await olli.follow(desk.brand)
    assert await desk.conversations() == []
    (resolved,) = await desk.conversations(status="resolved")
    assert resolved["contact"]["id"] == olli.id
    assert kinds(await desk.conversation(resolved["id"])) == ["follow"]
    async with services.db.read() as session:
        row = await session.get(DeskConversation, int(resolved["id"]))
        assert row is not None and row.opened_at is None


async def test_a_replayed_event_adds_nothing(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    status = await emma.status("@cafe hello")
    await emma.follow(desk.brand)
    replays = [
        StatusCreated(
            actor=Actor(emma.account.id, emma.user.id),
            status_id=int(status["id"]),
            author_id=emma.account.id,
            visibility="public",
            thread_id=int(status["id"]),
            mentioned=(desk.brand.account.id,),
        ),
        Followed(
            actor=Actor(emma.account.id),
            follower_id=emma.account.id,
            target_id=desk.brand.account.id,
        ),
    ]
    for _ in range(2):
        async with services.db.transaction() as tx:
            for event in replays:
                await emit(tx, event)
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(DeskItem)) == 2
        assert await session.scalar(select(func.count()).select_from(DeskConversation)) == 1


async def test_the_brands_own_reply_in_the_thread_lands_as_sent(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    asked = await emma.status("@cafe do you deliver?")
    answer = await desk.post(
        "/api/v1/statuses", json={"status": "@emma yes, within 5 km", "in_reply_to_id": asked["id"]}
    )
    assert answer.status_code == 200, answer.text
    (listed,) = await desk.conversations()
    shown = await desk.conversation(listed["id"])
    assert kinds(shown) == ["mention", "sent"]
    sent = shown["items"][1]
    assert sent["status"]["id"] == answer.json()["id"]
    assert sent["status"]["account"]["id"] == desk.brand.id  # the customer sees the brand
    assert sent["account"]["id"] == desk.person.id  # the team sees who wrote it
