"""Bookmarks and favourites pages: the reader's own saved posts as timeline cards, newest
first, paged; nobody else's; signed out, a redirect to sign in; in Finnish too."""

from __future__ import annotations

import html
from typing import Any

import pytest

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import text_of as raw_text


@pytest.mark.parametrize("kind", ["bookmarks", "favourites"])
async def test_signed_out_goes_to_sign_in(browser: Any, kind: str) -> None:
    response = await browser.get(f"/{kind}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/auth/sign_in?next=/{kind}"


async def test_bookmarks_and_favourites_show_only_the_readers_own(
    make: Factory, signed_in: Any
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    first = await carol.status("Carol's first post")
    second = await carol.status("Carol's second post")
    liked = await carol.status("A post Bob likes")
    await alice.post(f"/api/v1/statuses/{first['id']}/bookmark")
    await alice.post(f"/api/v1/statuses/{second['id']}/bookmark")
    await alice.post(f"/api/v1/statuses/{second['id']}/favourite")
    await bob.post(f"/api/v1/statuses/{liked['id']}/favourite")
    await bob.post(f"/api/v1/statuses/{liked['id']}/bookmark")
    browser = await signed_in(alice)

    page = await browser.get("/bookmarks")
    assert page.status_code == 200
    words = text_of(page.text)
    assert words.index("Carol's second post") < words.index("Carol's first post")
    assert "A post Bob likes" not in words
    assert 'class="status' in page.text  # timeline cards, with their buttons
    assert f'action="/web/statuses/{second["id"]}/unbookmark"' in page.text

    favs = await browser.get("/favourites")
    words = text_of(favs.text)
    assert "Carol's second post" in words
    assert "Carol's first post" not in words and "A post Bob likes" not in words

    await signed_in(bob)
    bobs = text_of((await browser.get("/bookmarks")).text)
    assert "A post Bob likes" in bobs and "Carol's" not in bobs


async def test_a_bookmarked_post_no_longer_visible_is_left_out(
    make: Factory, signed_in: Any
) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    await alice.follow(carol)
    private = await carol.status("Followers only secret", visibility="private")
    assert (await alice.post(f"/api/v1/statuses/{private['id']}/bookmark")).status_code == 200
    browser = await signed_in(alice)
    assert "Followers only secret" in (await browser.get("/bookmarks")).text
    await carol.post(f"/api/v1/accounts/{alice.id}/block")
    assert "Followers only secret" not in (await browser.get("/bookmarks")).text


async def test_pages_of_twenty_with_older_link(make: Factory, signed_in: Any) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    ids = []
    for n in range(21):
        posted = await carol.status(f"post number {n}")
        await alice.post(f"/api/v1/statuses/{posted['id']}/favourite")
        ids.append(posted["id"])
    browser = await signed_in(alice)
    page = await browser.get("/favourites")
    assert text_of(page.text).count("post number") == 20
    assert "post number 0 " not in text_of(page.text)
    older = page.text.split('href="/favourites?max_id=')[1].split('"')[0]
    rest = await browser.get(f"/favourites?max_id={older}")
    assert text_of(rest.text).count("post number") == 1
    assert "post number 0" in text_of(rest.text)


async def test_empty_pages_in_finnish(make: Factory, signed_in: Any) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    bookmarks = text_of((await browser.get("/bookmarks")).text)
    assert "Kirjanmerkit" in bookmarks and "Sinulla ei ole vielä kirjanmerkkejä" in bookmarks
    favourites = text_of((await browser.get("/favourites")).text)
    assert "Tykkäykset" in favourites and "Et ole vielä tykännyt" in favourites


async def test_statements_do_not_grow_with_the_page(
    make: Factory, services: Services, signed_in: Any
) -> None:
    """Two bookmarks or twenty: the page sends as many statements (no query per post)."""
    alice, carol = await make.person("alice"), await make.person("carol")
    browser = await signed_in(alice)

    async def spent() -> int:
        before = services.db.query_count
        page = await browser.get("/bookmarks")
        assert page.status_code == 200
        return services.db.query_count - before

    for n in range(2):
        posted = await carol.status(f"saved {n}")
        await alice.post(f"/api/v1/statuses/{posted['id']}/bookmark")
    await spent()  # warm
    few = await spent()
    for n in range(2, 20):
        posted = await carol.status(f"saved {n}")
        await alice.post(f"/api/v1/statuses/{posted['id']}/bookmark")
    await spent()
    many = await spent()
    assert text_of((await browser.get("/bookmarks")).text).count("saved ") == 20
    assert many == few, (few, many)


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))
