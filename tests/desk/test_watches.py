"""Listening (issue 16, point 8): a brand's keyword and hashtag watches bring public posts
that match into its inbox as outreach items, which the team answers like any other."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.events import StatusCreated
from porina.core.ids import new_id
from porina.desk import listening, watches
from porina.jobs.events import emit
from porina.posts.actions import NewStatus, create_status
from porina.posts.models import Status
from porina.services import Services
from porina.storage import invalidation

from ..factories import Factory, Person
from ..support.world import Isolated, isolated
from .inbox_support import BASE, Staff, brand_with_agent, kinds, staff

WATCHES = "/api/porina/v1/desk/watches"


async def watch(member: Staff, **body: Any) -> dict[str, Any]:
    response = await member.post(WATCHES, json=body)
    assert response.status_code == 200, response.text
    made: dict[str, Any] = response.json()
    return made


async def outreach(desk: Staff, person: Person) -> list[dict[str, Any]]:
    """The outreach items of ``person``'s conversation with the desk's brand."""
    for row in await desk.conversations(view="all"):
        if row["contact"]["id"] == person.id:
            items = (await desk.conversation(row["id"]))["items"]
            return [i for i in items if i["kind"] == "outreach"]
    return []


async def team(services: Services, make: Factory) -> tuple[Staff, Staff]:
    """The café's agent and a manager who sets up its watches."""
    desk = await brand_with_agent(services, make)
    return desk, await staff(services, make, desk.brand, "cafe_mari", "manager")


async def test_a_matching_post_becomes_outreach_and_the_reply_reaches_its_author(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    made = await watch(mari, kind="keyword", term="Kahvi*", language="fi")
    assert (made["term"], made["language"], made["matches"]) == ("kahvi*", "fi", 0)
    await watch(mari, kind="hashtag", term="#Latte")
    target = {"priority": "none", "first_response_seconds": 3600, "business_hours": False}
    targets = await mari.client.put(
        "/api/porina/v1/desk/sla", headers=mari.headers, json={"targets": [target]}
    )
    assert targets.status_code == 200, targets.text
    emma = await make.person("emma", display_name="Emma Clarke")
    post = await emma.status("Missä on Helsingin paras Kahvila?", language="fi")
    await make.person("olli")
    (listed,) = await desk.conversations()
    assert listed["contact"]["id"] == emma.id
    conversation = await desk.conversation(listed["id"])
    assert kinds(conversation) == ["outreach"]
    (item,) = conversation["items"]
    assert item["status"]["id"] == post["id"]
    assert item["sentiment"] in ("positive", "neutral", "negative")
    counts = {w["term"]: w["matches"] for w in (await desk.get(WATCHES)).json()}
    assert counts == {"kahvi*": 1, "latte": 0}
    # No response clock: the brand is reaching out, nobody waits for an answer yet.
    metrics = (await mari.get("/api/porina/v1/desk/metrics")).json()
    assert metrics["opened"] == 0
    assert listed["sla"]["due_at"] is None
    sent = await desk.post(
        f"{BASE}/{listed['id']}/reply", json={"text": "Meillä! Tervetuloa", "visibility": "public"}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["in_reply_to_id"] == post["id"]
    assert sent.json()["visibility"] == "public"
    assert kinds(await desk.conversation(listed["id"])) == ["outreach", "sent"]
    notified = (await emma.get("/api/v1/notifications")).json()
    assert any("Tervetuloa" in (n.get("status") or {}).get("content", "") for n in notified)
    # Her answer is a reply to the brand: now she waits, and the clock runs.
    await emma.status("@cafe kiitos, tulen huomenna", in_reply_to_id=sent.json()["id"])
    assert kinds(await desk.conversation(listed["id"]))[-1] == "reply"
    (waiting,) = await desk.conversations()
    assert waiting["sla"]["due_at"] is not None
    assert (await mari.get("/api/porina/v1/desk/metrics")).json()["opened"] == 1


@pytest.mark.parametrize(
    ("term", "kind", "text", "heard"),
    [
        ("coffee", "keyword", "Best COFFEE in town!", True),
        ("coffee", "keyword", "A coffeehouse opened", False),
        ("coffee*", "keyword", "A coffeehouse opened", True),
        ("oat milk", "keyword", "Any oat   milk here?", True),
        ("kahvi*", "keyword", "Äidin KAHVIA parempaa", True),
        ("kahvi*", "keyword", "Pannukahvia", False),
        ("latte", "hashtag", "Morning #Latte", True),
        ("latte", "hashtag", "Morning latte", False),
        ("latte", "keyword", "Morning #latte", True),
        ("latte", "keyword", "Morning @latte", False),
    ],
)
async def test_what_a_watch_hears(
    services: Services, make: Factory, term: str, kind: str, text: str, heard: bool
) -> None:
    desk, mari = await team(services, make)
    await watch(mari, kind=kind, term=term)
    emma = await make.person("emma")
    await emma.status(text)
    assert bool(await outreach(desk, emma)) is heard


async def test_a_keyword_in_the_content_warning_and_the_language_filter(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await watch(mari, kind="keyword", term="espresso", language="en")
    emma, olli = await make.person("emma"), await make.person("olli")
    await emma.status("a long review", spoiler_text="espresso", language="en")
    await olli.status("espresso on hyvää", language="fi")
    assert len(await outreach(desk, emma)) == 1
    assert await outreach(desk, olli) == []


async def _silence(services: Services, person: Person) -> None:
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == person.account.id)
            .values(silenced_at=datetime.now(UTC), version=Account.version + 1)
        )


@pytest.mark.parametrize(
    "case",
    [
        "unlisted",
        "private",
        "direct",
        "blocks_brand",
        "brand_blocks",
        "brand_mutes",
        "silenced",
        "mentions_brand",
        "disabled",
    ],
)
async def test_posts_that_are_not_heard(services: Services, make: Factory, case: str) -> None:
    desk, mari = await team(services, make)
    made = await watch(mari, kind="keyword", term="coffee")
    emma = await make.person("emma")
    brand = desk.brand
    visibility = case if case in ("unlisted", "private", "direct") else "public"
    text = "@cafe coffee?" if case == "mentions_brand" else "coffee time"
    if case == "blocks_brand":
        assert (await emma.post(f"/api/v1/accounts/{brand.id}/block")).status_code == 200
    if case in ("brand_blocks", "brand_mutes"):
        verb = case.removeprefix("brand_").removesuffix("s")
        assert (await brand.post(f"/api/v1/accounts/{emma.id}/{verb}")).status_code == 200
    if case == "silenced":
        await _silence(services, emma)
    if case == "disabled":
        changed = await mari.client.patch(
            f"{WATCHES}/{made['id']}", headers=mari.headers, json={"enabled": False}
        )
        assert changed.status_code == 200 and changed.json()["enabled"] is False
    await emma.status(text, visibility=visibility)
    assert await outreach(desk, emma) == []
    assert (await desk.get(WATCHES)).json()[0]["matches"] == 0
    if case == "mentions_brand":
        (row,) = await desk.conversations()
        assert kinds(await desk.conversation(row["id"])) == ["mention"]


async def test_the_brand_and_its_staff_are_not_heard(services: Services, make: Factory) -> None:
    desk, mari = await team(services, make)
    await watch(mari, kind="hashtag", term="coffee")
    await desk.brand.status("Fresh #coffee")
    await desk.person.status("At work, #coffee")
    await mari.person.status("#coffee break")
    assert await desk.conversations(view="all") == []


async def remote_post(services: Services, author: Person, content: str) -> int:
    """A public status as federation would store it: a remote author, HTML content only."""
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == author.account.id)
            .values(domain="far.example", version=Account.version + 1)
        )
        status_id = new_id()
        tx.session.add(
            Status(
                id=status_id,
                account_id=author.account.id,
                visibility="public",
                text="",
                content=content,
                local=False,
                thread_id=status_id,
                uri=f"https://far.example/statuses/{status_id}",
                created_at=datetime.now(UTC),
            )
        )
        await tx.session.flush()
        created = StatusCreated(
            actor=None,
            status_id=status_id,
            author_id=author.account.id,
            visibility="public",
            thread_id=status_id,
        )
        await emit(tx, created)
    return status_id


async def test_a_remote_public_post_is_heard(services: Services, make: Factory) -> None:
    desk, mari = await team(services, make)
    await watch(mari, kind="keyword", term="cortado")
    far = await make.person("far")
    await remote_post(services, far, "<p>Where is a good <strong>Cortado</strong>?</p>")
    assert len(await outreach(desk, far)) == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"kind": "keyword", "term": "  "}, "blank"),
        ({"kind": "keyword", "term": "x" * 101}, "too long"),
        ({"kind": "hashtag", "term": "two words"}, "hashtag"),
        ({"kind": "keyword", "term": "co*ffee"}, "keyword"),
        ({"kind": "phrase", "term": "coffee"}, "kind"),
        ({"kind": "keyword", "term": "coffee", "language": "finnish"}, "language"),
        ({"kind": "keyword", "term": "Coffee"}, "already been taken"),
    ],
)
async def test_a_broken_watch_is_refused(
    services: Services, make: Factory, body: dict[str, str], fragment: str
) -> None:
    _, mari = await team(services, make)
    await watch(mari, kind="keyword", term="coffee")
    response = await mari.post(WATCHES, json=body)
    assert response.status_code == 422, response.text
    assert fragment in response.json()["error"]
    assert [w["term"] for w in (await mari.get(WATCHES)).json()] == ["coffee"]


async def test_managers_write_agents_read_analysts_and_other_brands_do_not(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    made = await watch(mari, kind="hashtag", term="coffee")
    path = f"{WATCHES}/{made['id']}"
    assert [w["id"] for w in (await desk.get(WATCHES)).json()] == [made["id"]]
    refused = await desk.post(WATCHES, json={"kind": "keyword", "term": "tea"})
    assert refused.status_code == 403 and "error" in refused.json()
    assert (await desk.client.delete(path, headers=desk.headers)).status_code == 403
    numbers = await staff(services, make, desk.brand, "cafe_numbers", "analyst")
    assert (await numbers.get(WATCHES)).status_code == 403
    bakery = await brand_with_agent(services, make, "bakery")
    boss = await staff(services, make, bakery.brand, "bakery_boss", "manager")
    assert (await boss.get(WATCHES)).json() == []
    for call in (boss.client.put, boss.client.patch):
        other = await call(path, headers=boss.headers, json={"term": "tea"})
        assert other.status_code == 404 and "error" in other.json()
    assert (await boss.client.delete(path, headers=boss.headers)).status_code == 404
    renamed = await mari.client.put(path, headers=mari.headers, json={"term": "#Tea"})
    assert renamed.status_code == 200 and renamed.json()["term"] == "tea"
    gone = await mari.client.delete(path, headers=mari.headers)
    assert gone.status_code == 200
    assert (await mari.get(WATCHES)).json() == []


async def _cost(services: Services, event: StatusCreated) -> int:
    async with services.db.transaction() as tx:
        before = services.db.query_count
        await listening.status_created(tx, event)
        return services.db.query_count - before


WITHOUT_WATCHES = 0
"""Nothing: the process keeps the matcher (none watched) until a watch changes."""
UNHEARD = 1
"""The status with its author (the matcher was built already)."""


async def test_a_public_post_costs_the_same_for_one_watch_or_many(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    emma = await make.person("emma")
    post = await emma.status("nothing to hear here")
    event = StatusCreated(
        status_id=int(post["id"]),
        author_id=emma.account.id,
        visibility="public",
        thread_id=int(post["id"]),
    )
    assert await _cost(services, event) == WITHOUT_WATCHES  # emma's post built the matcher
    await watch(mari, kind="keyword", term="coffee")
    await _cost(services, event)  # the matcher is built once per change
    one = await _cost(services, event)
    for n in range(40):
        await watch(mari, kind="keyword" if n % 2 else "hashtag", term=f"term{n}")
    await _cost(services, event)
    many = await _cost(services, event)
    assert (one, many) == (UNHEARD, UNHEARD)
    assert await outreach(desk, emma) == []


async def test_a_watch_changed_elsewhere_is_heard_on_its_message_or_after_the_recheck(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process keeps its watches compiled until a change's message arrives on the
    broker (``listening.CHANGED``); when the message is lost, it reads the watches'
    fingerprint again after ``RECHECK_SECONDS``."""
    desk, mari = await team(services, make)
    emma = await make.person("emma")
    await emma.status("good morning")  # this process's matcher: nothing watched

    async def lost(message: dict[str, Any]) -> None:
        """Another process's change: this one hears nothing of it."""

    with monkeypatch.context() as quiet:
        quiet.setattr(services.invalidations, "announce", lost)
        await watch(mari, kind="keyword", term="coffee")
    await emma.status("coffee before the message")
    assert await outreach(desk, emma) == []  # the kept matcher knows no watch yet
    await services.broker.publish(invalidation.CHANNEL, listening.CHANGED)
    for _ in range(200):
        await asyncio.sleep(0.01)
        if not listening._current:
            break
    await emma.status("coffee after the message")
    heard = await outreach(desk, emma)
    assert [i["status"]["content"] for i in heard] == ["<p>coffee after the message</p>"]

    with monkeypatch.context() as quiet:
        quiet.setattr(services.invalidations, "announce", lost)
        await watch(mari, kind="keyword", term="tea")
    await emma.status("tea, message lost")
    assert len(await outreach(desk, emma)) == 1
    monkeypatch.setattr(listening, "RECHECK_SECONDS", 0.0)  # the recheck is due
    await emma.status("tea after the recheck")
    heard = await outreach(desk, emma)
    assert [i["status"]["content"] for i in heard][-1] == "<p>tea after the recheck</p>"
    assert len(heard) == 2


async def test_a_watch_made_in_a_transaction_is_heard_there_and_forgotten_if_it_rolls_back(
    services: Services, make: Factory
) -> None:
    """A transaction that creates a watch hears a post it makes after it (the demo's seed
    does so); one that rolls back leaves no watch behind in this process's matcher."""
    desk, mari = await team(services, make)
    emma = await make.person("emma")
    await emma.status("good morning")  # this process's matcher: nothing watched
    manager = Actor(desk.brand.account.id, mari.person.user.id)
    writer = Actor(emma.account.id, emma.user.id)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with services.db.transaction() as tx:
            await watches.create(tx, manager, {"kind": "keyword", "term": "pulla"})
            await create_status(tx, writer, NewStatus(text="pulla?", visibility="public"))
            raise Undo
    await emma.status("pulla after the rollback")
    assert await outreach(desk, emma) == []
    async with services.db.transaction() as tx:
        await watches.create(tx, manager, {"kind": "keyword", "term": "pulla"})
        await create_status(tx, writer, NewStatus(text="pulla, please", visibility="public"))
    heard = await outreach(desk, emma)
    assert [i["status"]["content"] for i in heard] == ["<p>pulla, please</p>"]


ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=4 if ON_PG else 8,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Post = tuple[str, str, str]
"""(visibility, the author's relation to the brand, where the watched word is)."""
POSTS = st.lists(
    st.tuples(
        st.sampled_from(["public", "unlisted", "private", "direct"]),
        st.sampled_from(["none", "blocks_brand", "blocked", "muted"]),
        st.sampled_from(["text", "warning", "hashtag"]),
    ),
    min_size=1,
    max_size=4,
)


async def _post(env: Isolated, desk: Staff, n: int, post: Post) -> tuple[Person, bool]:
    visibility, relation, where = post
    author = await env.make.person(f"p{n}")
    if relation == "blocks_brand":
        assert (await author.post(f"/api/v1/accounts/{desk.brand.id}/block")).status_code == 200
    elif relation != "none":
        verb = "block" if relation == "blocked" else "mute"
        assert (await desk.brand.post(f"/api/v1/accounts/{author.id}/{verb}")).status_code == 200
    text = {"text": "zqwatch today", "warning": "about today", "hashtag": "today #zqwatch"}[where]
    fields = {"spoiler_text": "zqwatch"} if where == "warning" else {}
    await author.status(text, visibility=visibility, **fields)
    return author, visibility == "public" and relation == "none"


def test_only_public_posts_of_people_who_let_the_brand_see_them_are_heard(
    template: Path | str,
) -> None:
    """Private, direct and unlisted posts, and posts by someone who blocks the brand (or whom
    it blocks or mutes), never become outreach items; the others always do."""
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(POSTS)
        def prop(posts: list[Post]) -> None:
            async def go() -> None:
                await env.reset()
                desk, mari = await team(env.services, env.make)
                await watch(mari, kind="keyword", term="zqwatch")
                await watch(mari, kind="hashtag", term="zqwatch")
                for n, post in enumerate(posts):
                    author, heard = await _post(env, desk, n, post)
                    assert bool(await outreach(desk, author)) is heard, post

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()


async def test_a_refusal_speaks_finnish(services: Services, make: Factory) -> None:
    _, mari = await team(services, make)
    headers = {**mari.headers, "Accept-Language": "fi"}
    for body, expected in (
        ({"kind": "hashtag", "term": "two words"}, "aihetunniste koostuu kirjaimista"),
        ({"kind": "keyword", "term": ""}, "term ei voi olla tyhjä"),
    ):
        response = await mari.client.post(WATCHES, headers=headers, json=body)
        assert response.status_code == 422
        assert response.json()["error"].startswith("Validointi epäonnistui: " + expected)
