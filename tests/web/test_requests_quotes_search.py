"""Follow requests for locked accounts, quote posts, search through the search domain, and the
Server-Timing header on pages."""

from __future__ import annotations

import re
from typing import Any

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import text_of


async def test_locked_account_approves_and_rejects_follow_requests(
    make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    assert (
        await alice.patch("/api/v1/accounts/update_credentials", json={"locked": True})
    ).status_code == 200
    bob = await make.person("bob")
    carol = await make.person("carol")
    await bob.follow(alice)
    await carol.follow(alice)
    browser = await signed_in(alice)

    home = await browser.get("/home")
    assert 'href="/follow_requests"' in home.text  # the nav says requests are waiting
    notes = await browser.get("/notifications")
    assert "asked to follow you" in notes.text and 'href="/follow_requests"' in notes.text

    page = await browser.get("/follow_requests")
    assert page.status_code == 200
    assert "@bob" in page.text and "@carol" in page.text
    approved = await browser.htmx(f"/web/follow_requests/{bob.id}/authorize")
    assert approved.status_code == 200 and "now follows you" in approved.text
    rejected = await browser.post(f"/web/follow_requests/{carol.id}/reject")
    assert rejected.status_code == 303 and rejected.headers["location"] == "/follow_requests"

    followers = (await alice.get(f"/api/v1/accounts/{alice.id}/followers")).json()
    assert [a["username"] for a in followers] == ["bob"]
    assert (await alice.get("/api/v1/follow_requests")).json() == []
    home = await browser.get("/home")
    assert 'href="/follow_requests"' not in home.text
    empty = await browser.get("/follow_requests")
    assert "No one is waiting for your approval." in empty.text


async def test_follow_request_of_someone_else_is_not_found(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    browser = await signed_in(alice)
    response = await browser.post(f"/web/follow_requests/{bob.id}/authorize")
    assert response.status_code == 404


async def test_quote_compose_previews_and_the_post_shows_the_quote_inline(
    make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    quoted = await alice.status("Cardamom buns are back on Friday")
    bob = await make.person("bob")
    browser = await signed_in(bob)

    compose = await browser.get(f"/compose?quote={quoted['id']}")
    assert compose.status_code == 200
    assert 'class="quote"' in compose.text
    assert "Cardamom buns are back on Friday" in compose.text
    assert f'name="quoted_status_id" value="{quoted["id"]}"' in compose.text

    posted = await browser.post(
        "/compose",
        {"status": "Finally!", "visibility": "public", "quoted_status_id": quoted["id"]},
    )
    assert posted.status_code == 303
    page = await browser.get(posted.headers["location"])
    assert page.status_code == 200
    quote = re.search(r'<blockquote class="quote".*?</blockquote>', page.text, re.S)
    assert quote and "Cardamom buns are back on Friday" in quote.group(0)
    api = (await bob.get(f"/api/v1/statuses/{posted.headers['location'].rsplit('/', 1)[1]}")).json()
    assert api["quote"] is not None
    original = (await alice.get(f"/api/v1/statuses/{quoted['id']}")).json()
    assert original["quotes_count"] == 1


async def test_quote_of_a_post_the_reader_cannot_see_is_not_shown(
    make: Factory, signed_in: Any, services: Services
) -> None:
    alice = await make.person("alice")
    quoted = await alice.status("soon gone")
    bob = await make.person("bob")
    quote = await bob.status("look", quoted_status_id=quoted["id"])
    await alice.delete(f"/api/v1/statuses/{quoted['id']}")
    browser = await signed_in(bob)
    page = await browser.get(f"/@bob/{quote['id']}")
    assert page.status_code == 200
    assert "soon gone" not in page.text
    assert "The quoted post is not available." in page.text


async def test_timeline_with_quotes_adds_one_query_not_one_per_post(
    make: Factory, signed_in: Any, services: Services
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    await bob.follow(alice)
    for n in range(10):
        original = await alice.status(f"original {n}")
        await alice.status(f"quoting {n}", quoted_status_id=original["id"])
    browser = await signed_in(bob)
    before = services.db.query_count
    page = await browser.get("/home")
    queries = services.db.query_count - before
    assert page.text.count('<blockquote class="quote"') == 10
    assert queries <= 11


async def test_search_finds_people_hashtags_and_posts_the_reader_may_see(
    make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice", display_name="Alice Harbour")
    await alice.status("Sunrise over the harbour #harbourlife")
    await alice.status("A secret harbour for followers", visibility="private")
    bob = await make.person("bob")
    browser = await signed_in(bob)

    page = await browser.get("/search?q=harbour")
    words = text_of(page.text)
    assert page.status_code == 200
    assert "Sunrise over the harbour" in words  # full text
    assert "A secret harbour" not in words  # not visible to bob
    assert "#harbourlife" in words  # hashtag by prefix
    people = await browser.get("/search?q=@ali")
    assert "@alice" in people.text


async def test_search_of_posts_asks_anonymous_readers_to_log_in(
    make: Factory, browser: Any
) -> None:
    alice = await make.person("alice")
    await alice.status("Sunrise over the harbour")
    page = await browser.get("/search?q=harbour")
    assert "Sunrise over the harbour" not in page.text
    assert "Log in to search posts." in page.text


async def test_pages_report_their_server_time(make: Factory, browser: Any) -> None:
    page = await browser.get("/")
    timing = page.headers["server-timing"]
    assert re.fullmatch(r'app;desc="page";dur=\d+(\.\d+)?', timing)
    api = await browser.client.get("/api/v1/timelines/public")
    assert "server-timing" not in api.headers


async def test_a_quoted_post_shown_to_one_reader_never_reaches_a_reader_who_blocks_its_author(
    make: Factory, signed_in: Any
) -> None:
    """Home pages come from a status cache shared by every reader of the process; the quoted
    post is added per reader, so the first reader's quote must not stay on the shared copy."""
    eve, bob = await make.person("eve"), await make.person("bob")
    carol, dave = await make.person("carol"), await make.person("dave")
    quoted = await eve.status("Eve's secret cardamom ratio")
    await bob.status("worth reading", quoted_status_id=quoted["id"])
    for reader in (carol, dave):
        await reader.follow(bob)
    assert (await dave.post(f"/api/v1/accounts/{eve.id}/block")).status_code == 200

    carol_home = await (await signed_in(carol)).get("/home")
    assert "secret cardamom ratio" in carol_home.text
    dave_home = await (await signed_in(dave)).get("/home")
    assert "worth reading" in dave_home.text
    assert "secret cardamom ratio" not in dave_home.text


async def test_home_leaves_out_posts_a_hide_filter_matches(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    await alice.status("spoilers: the butler did it")
    await alice.status("fresh buns at nine")
    created = await bob.post(
        "/api/v2/filters",
        data={
            "title": "No spoilers",
            "context[]": ["home"],
            "filter_action": "hide",
            "keywords_attributes[][keyword]": "spoilers",
        },
    )
    assert created.status_code == 200, created.text
    page = await (await signed_in(bob)).get("/home")
    assert "fresh buns at nine" in page.text
    assert "the butler did it" not in page.text
