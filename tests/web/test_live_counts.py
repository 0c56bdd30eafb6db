"""What the web stream sends to keep a page live: the counts of the posts it shows (to every
reader who may see them, coalesced) and a profile's follower count, and which feed's new posts
a page hears. The counters are driven by the real actions and the ``counts`` channel."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any, cast

import pytest
from litestar.testing import RequestFactory

from porina.services import Services
from porina.storage.broker import MemoryBroker
from porina.streaming.counts import CHANNEL
from porina.streaming.hub import Arrival
from porina.web import stream as web_stream
from porina.web.common import Me
from porina.web.stream import Counts, Painter, Reader, _wanted, feed_channel
from tests.factories import Factory, Person
from tests.timelines import support as s

SAFETY = 30  # seconds before a missing message fails the test instead of hanging it


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_stream, "COALESCE_SECONDS", 0.01)


def reader(
    person: Person, *, watch: tuple[str, ...] = (), account: str = "", fi: bool = False
) -> Reader:
    me = Me(user=person.user, account=person.account)
    accounts = {int(account)} if account else set()
    return Reader(me, "fi" if fi else "en", {int(i) for i in watch}, accounts)


async def joined(services: Services, *readers: Reader) -> Counts:
    counts = Counts(services.broker, services.db)
    for r in readers:
        counts.join(r)
    broker = services.broker
    assert isinstance(broker, MemoryBroker)
    for _ in range(SAFETY * 100):
        if broker.subscriber_count(CHANNEL):
            return counts
        await asyncio.sleep(0.01)
    raise AssertionError("nobody subscribed to the counts channel")


async def received(r: Reader) -> tuple[str, Any]:
    _channel, message = await asyncio.wait_for(r.inbox.get(), SAFETY)
    return message["event"], json.loads(message["data"])


async def settled(counts: Counts) -> None:
    """Every change that arrived has been sent (the flush task is done)."""
    for _ in range(SAFETY * 100):
        await asyncio.sleep(0.01)
        if (
            counts._flush is not None
            and counts._flush.done()
            and not counts._statuses
            and not counts._gone
        ):
            return
    raise AssertionError("the counts were never sent")


async def test_a_like_reaches_every_reader_of_the_post(services: Services, make: Factory) -> None:
    alice, bob, carol, dave = [await make.person(n) for n in ("alice", "bob", "carol", "dave")]
    post = await s.post(services, alice, "hello all")
    bob_page, carol_page = reader(bob, watch=(post["id"],)), reader(carol, watch=(post["id"],))
    counts = await joined(services, bob_page, carol_page)
    await s.favourite(services, dave, post)
    for page in (bob_page, carol_page):
        event, body = await received(page)
        assert event == "counts"
        assert body == [
            {
                "id": post["id"],
                "replies": {"text": "0", "label": "0"},
                "reblog": {"text": "0", "label": "0"},
                "favourite": {"text": "1", "label": "1"},
            }
        ]
    counts.leave(bob_page)
    counts.leave(carol_page)


async def test_a_reply_and_a_boost_update_the_counts(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    post = await s.post(services, alice, "hello all")
    page = reader(alice, watch=(post["id"],))
    counts = await joined(services, page)
    await s.post(services, bob, "hi", reply_to=post)
    event, body = await received(page)
    assert (event, body[0]["replies"]["text"]) == ("counts", "1")
    await settled(counts)
    await s.post(services, bob, reblog_of=post)
    event, body = await received(page)
    assert (event, body[0]["reblog"]["text"]) == ("counts", "1")


async def test_a_deleted_reply_or_boost_counts_down(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    post = await s.post(services, alice, "hello all")
    reply = await s.post(services, bob, "hi", reply_to=post)
    boost = await s.post(services, bob, reblog_of=post)
    page = reader(alice, watch=(post["id"],))
    counts = await joined(services, page)
    await s.delete(services, reply)
    event, body = await received(page)
    assert (event, body[0]["replies"]["text"], body[0]["reblog"]["text"]) == ("counts", "0", "1")
    await settled(counts)
    await s.delete(services, boost)
    event, body = await received(page)
    assert (event, body[0]["replies"]["text"], body[0]["reblog"]["text"]) == ("counts", "0", "0")


async def test_followers_only_counts_go_only_to_those_who_may_see_the_post(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    secret = await s.post(services, alice, "for followers", visibility="private")
    # carol's page asks for the post's counts (a forged watch list): she never gets them
    bob_page, carol_page = reader(bob, watch=(secret["id"],)), reader(carol, watch=(secret["id"],))
    alice_page = reader(alice, watch=(secret["id"],))
    counts = await joined(services, bob_page, carol_page, alice_page)
    await s.favourite(services, bob, secret)
    assert (await received(bob_page))[1][0]["favourite"]["text"] == "1"
    assert (await received(alice_page))[1][0]["favourite"]["text"] == "1"
    await settled(counts)
    assert carol_page.inbox.empty()


async def test_a_direct_post_s_counts_stay_between_its_people(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    note = await s.post(services, alice, "just us", visibility="direct", mention=(bob,))
    bob_page, carol_page = reader(bob, watch=(note["id"],)), reader(carol, watch=(note["id"],))
    counts = await joined(services, bob_page, carol_page)
    await s.favourite(services, bob, note)
    assert (await received(bob_page))[1][0]["favourite"]["text"] == "1"
    await settled(counts)
    assert carol_page.inbox.empty()


async def test_a_blocked_reader_gets_no_counts_of_the_blocker_s_posts(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    post = await s.post(services, alice, "hello all")
    # bob opened the page before alice blocked him; carol still reads it
    bob_page, carol_page = reader(bob, watch=(post["id"],)), reader(carol, watch=(post["id"],))
    counts = await joined(services, bob_page, carol_page)
    await s.block(services, alice, bob)
    await s.favourite(services, carol, post)
    assert (await received(carol_page))[1][0]["favourite"]["text"] == "1"
    await settled(counts)
    assert bob_page.inbox.empty()


async def test_a_private_post_among_public_ones_is_left_out_of_the_message(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    open_post = await s.post(services, alice, "for all")
    secret = await s.post(services, alice, "for followers", visibility="private")
    carol_page = reader(carol, watch=(open_post["id"], secret["id"]))
    counts = await joined(services, carol_page)
    await s.favourite(services, bob, secret)
    await s.favourite(services, bob, open_post)
    event, body = await received(carol_page)  # the like of the post she may see
    await settled(counts)
    while not carol_page.inbox.empty():
        body.extend(json.loads(carol_page.inbox.get_nowait()[1]["data"]))
    assert event == "counts"
    assert [(b["id"], b["favourite"]["text"]) for b in body] == [(open_post["id"], "1")]


async def test_a_burst_of_likes_is_one_message_with_the_latest_counts(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    post = await s.post(services, alice, "giveaway")
    page = reader(alice, watch=(post["id"],))
    counts = await joined(services, page)
    fans = [await make.person(f"fan{i}") for i in range(5)]
    for fan in fans:
        await s.favourite(services, fan, post)
    await settled(counts)
    while not page.inbox.empty():  # what the likes sent one by one, while the test waited
        page.inbox.get_nowait()
    # a thousand announcements arriving together: one message, with the latest counts
    burst = [Arrival(CHANNEL, {"event": "status", "status_id": post["id"]}, (page,))] * 1000
    await counts._arrived(burst)
    await settled(counts)
    messages = []
    while not page.inbox.empty():
        messages.append(json.loads(page.inbox.get_nowait()[1]["data"]))
    assert [m[0]["favourite"]["text"] for m in messages] == ["5"]


async def test_a_profile_s_follower_count_is_live_in_the_reader_s_language(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    en, fi = reader(carol, account=alice.id), reader(bob, account=alice.id, fi=True)
    await joined(services, en, fi)
    await s.follow(services, bob, alice)
    assert await received(en) == ("followers", {"id": alice.id, "text": "1 follower"})
    event, body = await received(fi)
    assert event == "followers" and body["text"].startswith("1 ") and "follower" not in body["text"]


def test_a_page_hears_new_posts_only_from_its_own_feed() -> None:
    update = {"event": "update", "status_id": "1"}
    home, local = "user:7", "public:local"
    assert _wanted(update, home, home, home)
    assert not _wanted(update, home, local, home)  # a home post is not a local page's news
    assert _wanted(update, local, local, home)
    assert not _wanted(update, home, None, home)  # a page without a feed
    assert _wanted({"event": "delete", "status_id": "1"}, local, local, home)
    assert _wanted({"event": "notification", "notification_id": "2"}, home, local, home)


async def test_a_page_names_its_feed_and_only_its_own_list(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    own = (await alice.post("/api/v1/lists", json={"title": "Cafés"})).json()["id"]
    bobs = (await bob.post("/api/v1/lists", json={"title": "Bob's"})).json()["id"]
    request = cast(
        Any, SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(services=services)))
    )
    me = Me(user=alice.user, account=alice.account)
    assert await feed_channel(request, me, "home") == f"user:{alice.id}"
    assert await feed_channel(request, me, "local") == "public:local"
    assert await feed_channel(request, me, "tag:Kahvi") == "hashtag:kahvi"
    assert await feed_channel(request, me, f"list:{own}") == f"list:{own}"
    # another person's list (its posts may include followers-only ones alice may not see)
    assert await feed_channel(request, me, f"list:{bobs}") is None
    for junk in (None, "", "public", "tag:", "list:x", "user:1"):
        assert await feed_channel(request, me, junk) is None


async def test_pages_name_their_feed_and_the_new_posts_button_speaks_the_reader_s_language(
    services: Services, make: Factory, signed_in: Any, client: Any
) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    for path, feed in (("/home", "home"), ("/public/local", "local"), ("/tags/Kahvi", "tag:kahvi")):
        page = (await browser.get(path)).text
        assert f'data-feed="{feed}"' in page.lower(), path
        assert 'id="new-posts" aria-live="polite"' in page
        assert 'data-one="1 new post" data-other="{n} new posts"' in page
    profile = (await browser.get(f"/@{alice.account.username}")).text
    assert f'data-followers-of="{alice.id}">0 followers<' in profile
    assert "data-feed" not in profile  # a profile has no feed of new posts
    await browser.post("/lang", {"lang": "fi", "next": "/home"})
    home = (await browser.get("/home")).text
    assert 'data-one="1 uusi julkaisu" data-other="{n} uutta julkaisua"' in home
    client.cookies.clear()  # a visitor: no stream, no button
    visitor = (await client.get("/public/local")).text
    assert "data-feed" not in visitor and "new-posts" not in visitor
    assert "/static/live.js" not in visitor and "/static/live.js" in home


async def test_a_public_feed_s_new_posts_leave_out_muted_authors(
    services: Services, make: Factory, app: Any
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.mute(services, alice, carol)
    painter = Painter(
        RequestFactory(app=app).get("/web/stream"), Me(user=alice.user, account=alice.account), "en"
    )
    noise = await s.post(services, carol, "noise from a muted person")
    news = await s.post(services, bob, "news from bob")
    own = await s.post(services, alice, "my own news")
    assert await painter.paint({"event": "update", "status_id": noise["id"]}) is None
    name, html = await painter.paint({"event": "update", "status_id": news["id"]}) or ("", "")
    assert name == "update" and "news from bob" in html
    name, html = await painter.paint({"event": "update", "status_id": own["id"]}) or ("", "")
    assert name == "mine" and "my own news" in html
