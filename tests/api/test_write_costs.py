"""The hot writes (favourite, boost, follow, post) cost a fixed number of statements, pinned
here (issue 14, item 4; docs/performance.md, "Writes"). Each count is the request alone:
its transaction (``BEGIN`` and ``COMMIT`` aside, as in ``Database.query_count``) and the
response's read after commit; the jobs it queued run afterwards and are not counted. Every
test also checks what a person would notice: the response, the counts, the notification,
the follower's home feed. Counts, never times; raising one needs a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import event, func, select

from porina.jobs.models import Job
from porina.notifications.models import Notification
from porina.services import Services

from ..factories import Factory, Person
from ..operators.support import appoint

FAVOURITE = 11
"""In the transaction: the status and its visibility (one prebuilt statement), the
favourite (``INSERT ... ON CONFLICT DO NOTHING``), the count, the notification's checks and
its insert, the analytics record, whether the author is a brand with a desk, the running
``votes`` challenges' score of the post (one ``UPDATE``, usually of no row; it keeps the
challenge leaderboard live and one read: campaigns/challenge_subscribers.py), the running
contests of the post (one indexed read, usually of no row: campaigns/entries.py) (9);
after commit the page row and the changed status's rendering (2). A like of another
server's status adds the federation job (a Like to its author: federation/outbound.py);
this one is local, so none."""
UNFAVOURITE = 8
"""The status, the delete, the count, the analytics record, the challenges' score, the
running contests of the post (6); page row, rendering (2). (No federation job: the status
is local; an Undo of the Like goes only to a remote author.)"""
REBLOG = 14
"""The status, then the operator's role, an existing boost and the booster's default
visibility (one prebuilt statement, ``interactions.actions.booster_statement``), the boost's
insert, the two counts, the notification's checks and insert, the fan-out job,
the analytics record, whether the author is a brand with a desk, the running contests of the post,
whether a remote server is concerned (one read, ``federation/reach.py``: a remote follower of
the booster or a remote author; here none, so no federation job) (12); page row and
rendering (2)."""
UNREBLOG = 13
"""The role, the status named, the boosts, the original's visibility, the boost marked
deleted, the two counts, the job, the analytics record, the running contests, whether a
remote server is concerned (one read; none here, so no job for the Announce's Undo) (11); page
row, rendering (2)."""
FOLLOW = 11
"""The target account (whether the follower may see it, and whether it is locked), blocks
and existing edges (one prebuilt statement, ``accounts.graph._followee_statement``; the
web loads the account after commit), the follow, both
counters (one statement), the notification's checks and insert, the feed job, whether
either side is remote (one read; a federation job for a Follow or an Accept only then), the
analytics record, whether the target is a brand with a desk, the brand's running contests (10); the
relationship (1)."""
UNFOLLOW = 10
"""The target account, the delete, both counters, a follow request's delete (there may be
one from before), the analytics record, the feed job, whether either side is remote (one
read; a federation job for an Undo only then), the brand's running contests, the account
out of the follower's lists (one DELETE, as Mastodon's UnfollowService) (9); the
relationship (1)."""
POST = 8
"""The operator's role with the author's settings (default visibility and quote policy: one
prebuilt statement, ``posts.compose.author_facts``; they were three), the status,
statuses_count with last_status_at (one statement), the fan-out job, whether a remote
server is concerned (one read: a remote follower or a remote mention, ``federation/reach.py``;
none here, so no federation job), the analytics record (6); page row and rendering (2). The
desk's listening watches are kept compiled per process until a watch changes (they were
read, as a fingerprint, in every public post's transaction until 2026-12-07; docs/desk.md,
"Listening")."""
POST_TO_BRAND = 16
"""A customer's next message to a brand with a desk (its conversation exists): the post's own
statements as ``POST`` (6 in its transaction) with the mentioned account's look-up and the
mention's insert (the status's ``mentions`` are in its ``INSERT``, no ``UPDATE`` after), the
mentioned brand's notification (its local check, blocks and mutes, insert, push job: 4); the
desk in the post's transaction: which of the addressed accounts are brands with the
conversation, its response clock, whether the brand has enabled rules and whether the
conversation has *Mentioned* rows (one statement, ``desk.inbox.brands_with_conversations``),
the item, the conversation's activity (3); page row and rendering after commit as ``POST``.
The status's text for its sentiment is the row the post put in the session; the *Mentioned*
rows' copy (``desk/mentioned.py``) is one statement more when a note mentioned a colleague in
the conversation. A first message starts the conversation (one ``INSERT ... ON CONFLICT DO
NOTHING`` more). Three fewer than before the role and settings read (three statements to
one) and the status insert's ``mentions``; five fewer than before the desk's reads were
folded (8 -> 3: each was a round trip on PostgreSQL inside the post's transaction)."""


async def _spent(
    services: Services, who: Person, path: str, **kw: Any
) -> tuple[Spent, httpx.Response]:
    """The statements of one request alone: the test client's hook that runs the queued
    jobs after each response is held back until the count is taken."""
    hooks = who.client.event_hooks
    settle = hooks["response"]
    who.client.event_hooks = {**hooks, "response": []}
    sent: list[str] = []

    def record(conn: object, cursor: object, statement: str, *rest: object) -> None:
        sent.append(" ".join(statement.split())[:100])

    engine = services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        before = services.db.query_count
        response = await who.post(path, **kw)
        spent = services.db.query_count - before
    finally:
        who.client.event_hooks = {**hooks, "response": settle}
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.text
    await services.runner.drain()
    return Spent(spent, sent), response


@dataclass
class Spent:
    """How many statements a request sent, and (for a failing count's message) those sent
    through the engine; prebuilt reads on the driver are counted but not listed."""

    count: int
    sent: list[str]

    def listing(self) -> str:
        return f"{self.count} statements; through the engine:\n" + "\n".join(self.sent)

    def hops(self, services: Services) -> list[str]:
        """On SQLite (a file), the statements that went through SQLAlchemy's engine, each a
        hop to aiosqlite's thread: the write's own statements run on its connection directly
        (``Tx.run``, ``Tx.insert``) and the response's reads on the driver, so only
        ``BEGIN IMMEDIATE`` is left. Elsewhere every statement goes through the engine."""
        if not services.db.direct_writes:
            return []
        return [line for line in self.sent if not line.startswith("BEGIN")]


async def _count(services: Services, statement: object) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]


async def test_favourite_and_unfavourite(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = (await alice.status("like this"))["id"]
    await bob.get(f"/api/v1/statuses/{sid}")  # token and caches warm

    spent, response = await _spent(services, bob, f"/api/v1/statuses/{sid}/favourite")
    assert (response.json()["favourited"], response.json()["favourites_count"]) == (True, 1)
    assert spent.count == FAVOURITE, spent.listing()
    assert spent.hops(services) == [], spent.listing()
    notes = select(func.count()).where(
        Notification.account_id == alice.account.id, Notification.type == "favourite"
    )
    assert await _count(services, notes) == 1

    spent, response = await _spent(services, bob, f"/api/v1/statuses/{sid}/unfavourite")
    assert (response.json()["favourited"], response.json()["favourites_count"]) == (False, 0)
    assert spent.count == UNFAVOURITE, spent.listing()
    assert spent.hops(services) == [], spent.listing()


async def test_reblog_and_unreblog(services: Services, make: Factory) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    await carol.follow(bob)
    sid = (await alice.status("boost this"))["id"]
    await bob.get(f"/api/v1/statuses/{sid}")

    spent, response = await _spent(services, bob, f"/api/v1/statuses/{sid}/reblog")
    boost = response.json()
    assert boost["reblog"]["id"] == sid and boost["reblog"]["reblogs_count"] == 1
    assert boost["reblogged"] is True
    assert spent.count == REBLOG, spent.listing()
    assert spent.hops(services) == [], spent.listing()
    home = (await carol.get("/api/v1/timelines/home")).json()
    assert [s["id"] for s in home] == [boost["id"]]  # the fan-out job ran: it reached carol
    notes = select(func.count()).where(
        Notification.account_id == alice.account.id, Notification.type == "reblog"
    )
    assert await _count(services, notes) == 1

    spent, response = await _spent(services, bob, f"/api/v1/statuses/{sid}/unreblog")
    assert (response.json()["reblogged"], response.json()["reblogs_count"]) == (False, 0)
    assert spent.count == UNREBLOG, spent.listing()
    assert spent.hops(services) == [], spent.listing()
    assert (await carol.get("/api/v1/timelines/home")).json() == []


async def test_follow_and_unfollow(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.status("before you came")
    await bob.get("/api/v1/accounts/verify_credentials")

    spent, response = await _spent(services, bob, f"/api/v1/accounts/{alice.id}/follow")
    assert response.json()["following"] is True
    assert spent.count == FOLLOW, spent.listing()
    assert spent.hops(services) == [], spent.listing()
    home = (await bob.get("/api/v1/timelines/home")).json()
    assert [s["content"] for s in home] == ["<p>before you came</p>"]  # the feed job merged
    account = (await bob.get(f"/api/v1/accounts/{alice.id}")).json()
    assert account["followers_count"] == 1
    notes = select(func.count()).where(
        Notification.account_id == alice.account.id, Notification.type == "follow"
    )
    assert await _count(services, notes) == 1

    _, response = await _spent(services, bob, f"/api/v1/accounts/{alice.id}/follow")
    assert response.json()["following"] is True
    assert await _count(services, notes) == 1  # following again notifies nobody

    spent, response = await _spent(services, bob, f"/api/v1/accounts/{alice.id}/unfollow")
    assert response.json()["following"] is False
    assert spent.count == UNFOLLOW, spent.listing()
    assert spent.hops(services) == [], spent.listing()
    account = (await bob.get(f"/api/v1/accounts/{alice.id}")).json()
    assert account["followers_count"] == 0


async def test_post(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    await alice.status("warm up")

    spent, response = await _spent(
        services, alice, "/api/v1/statuses", json={"status": "hello world"}
    )
    assert response.json()["content"].startswith("<p>hello")
    assert spent.count == POST, spent.listing()
    assert spent.hops(services) == [], spent.listing()
    assert await _count(services, select(func.count()).select_from(Job)) == 0  # all ran
    home = (await bob.get("/api/v1/timelines/home")).json()
    assert home[0]["id"] == response.json()["id"]
    me = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert me["statuses_count"] == 2 and me["last_status_at"] is not None


async def test_post_mentioning_a_brand(services: Services, make: Factory) -> None:
    """A customer's post to a brand with a desk: the post's own statements plus the desk's
    filing of it in the same transaction (docs/desk.md, "Inbox")."""
    brand, agent, fan = (
        await make.person("cafe"),
        await make.person("aino"),
        await make.person("fan"),
    )
    await appoint(services, brand, agent, "agent")
    await fan.status("@cafe first")  # the conversation exists; this is the next message
    spent, response = await _spent(
        services, fan, "/api/v1/statuses", json={"status": "@cafe where is my order?"}
    )
    assert response.status_code == 200, response.text
    assert spent.count == POST_TO_BRAND, spent.listing()
