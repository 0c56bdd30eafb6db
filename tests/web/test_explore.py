"""Explore (trending posts, trending hashtags, people to follow) and the welcome panel of an
empty home timeline (issue 15, item 6): the same trends and suggestions the API serves, public
where Mastodon's are public, never a post the reader may not see."""

from __future__ import annotations

import re
from typing import Any

import httpx

from porina.posts.models import Status
from porina.services import Services
from tests.factories import Factory, Person
from tests.timelines import support as s
from tests.web.conftest import HTML, text_of


async def _world(services: Services, make: Factory) -> dict[str, Any]:
    """A popular, discoverable author with a note, a favourited public post tagged #kahvi, a
    favourited private one, and a fan following the author."""
    star = await make.person("star", display_name="Star Baker")
    done = await star.patch("/api/v1/accounts/update_credentials", data={"note": "I bake bread."})
    assert done.status_code == 200, done.text
    fan = await make.person("fan")
    await fan.follow(star)
    loud = await s.post(services, star, "Fresh bread today #kahvi", tags=("kahvi",))
    secret = await s.post(services, star, "only for followers", visibility="private")
    await s.favourite(services, fan, loud)
    await s.favourite(services, fan, secret)
    return {"star": star, "fan": fan, "loud": loud, "secret": secret}


def _current_tab(html: str) -> list[str]:
    """The Explore tab marked current (the tabs are links in ``<nav class="tabs">``)."""
    tabs = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="(/explore[^"]*)" aria-current="page">', tabs)


async def test_empty_home_welcomes_with_people_trends_and_ways_out(
    services: Services, make: Factory, signed_in: Any
) -> None:
    world = await _world(services, make)
    newcomer = await make.person("newcomer")
    page = await (await signed_in(newcomer)).get("/home")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Welcome! Your home timeline fills up as you follow people." in shown
    assert "Star Baker" in shown and "@star" in shown and "I bake bread." in shown
    star: Person = world["star"]
    assert f'action="/web/accounts/{star.id}/follow"' in page.text
    assert f'action="/web/suggestions/{star.id}/dismiss"' in page.text
    assert 'href="/tags/kahvi">#kahvi</a>' in page.text
    assert "1 person this week" in shown
    assert "Fresh bread today" in shown
    assert "only for followers" not in shown
    assert 'href="/explore"' in page.text and 'href="/public/local"' in page.text
    assert "Nothing here yet." not in shown


async def test_following_from_the_panel_fills_home_and_the_panel_goes(
    services: Services, make: Factory, signed_in: Any
) -> None:
    world = await _world(services, make)
    newcomer = await make.person("newcomer")
    browser = await signed_in(newcomer)
    star: Person = world["star"]
    swapped = await browser.htmx(f"/web/accounts/{star.id}/follow")
    assert swapped.status_code == 200
    assert "Unfollow" in swapped.text
    home = await browser.get("/home")
    assert "Fresh bread today" in text_of(home.text)
    assert "Welcome! Your home timeline" not in home.text


async def test_a_dismissed_suggestion_is_not_suggested_again(
    services: Services, make: Factory, signed_in: Any
) -> None:
    world = await _world(services, make)
    newcomer = await make.person("newcomer")
    browser = await signed_in(newcomer)
    star: Person = world["star"]
    gone = await browser.htmx(f"/web/suggestions/{star.id}/dismiss")
    assert gone.status_code == 200 and gone.text == ""
    for path in ("/home", "/explore/people"):
        page = await browser.get(path)
        assert f'id="person-{star.id}"' not in page.text, path
    plain = await browser.post(f"/web/suggestions/{world['fan'].id}/dismiss", {"next": "/home"})
    assert plain.status_code == 303 and plain.headers["location"] == "/home"


async def test_explore_tabs_for_a_visitor(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    await _world(services, make)
    posts = await client.get("/explore", headers=HTML)
    assert posts.status_code == 200
    assert _current_tab(posts.text) == ["/explore"]
    assert "Fresh bread today" in text_of(posts.text)
    assert "only for followers" not in text_of(posts.text)
    tags = await client.get("/explore/tags", headers=HTML)
    assert _current_tab(tags.text) == ["/explore/tags"]
    assert 'href="/tags/kahvi">#kahvi</a>' in tags.text
    assert "Follow hashtag" not in tags.text  # following a tag needs an account
    people = await client.get("/explore/people", headers=HTML)
    assert _current_tab(people.text) == ["/explore/people"]
    assert "Star Baker" in text_of(people.text)
    assert "Log in to get suggestions of people to follow." in text_of(people.text)
    assert 'href="/auth/sign_in?next=/@star"' in people.text
    assert (await client.get("/explore/nothing", headers=HTML)).status_code == 404


async def test_explore_for_a_reader_follows_tags_and_hides_muted_authors(
    services: Services, make: Factory, signed_in: Any
) -> None:
    world = await _world(services, make)
    reader = await make.person("reader")
    browser = await signed_in(reader)
    people = await browser.get("/explore/people")
    assert f'action="/web/accounts/{world["star"].id}/follow"' in people.text
    followed = await browser.post("/tags/kahvi/follow", {"next": "/explore/tags"})
    assert followed.status_code == 303 and followed.headers["location"] == "/explore/tags"
    tags = await browser.get("/explore/tags")
    assert 'action="/tags/kahvi/unfollow"' in tags.text
    await reader.post(f"/api/v1/accounts/{world['star'].id}/mute")
    posts = await browser.get("/explore")
    assert "Fresh bread today" not in text_of(posts.text)
    assert "Nothing is trending yet." in text_of(posts.text)


async def test_navigation_leads_to_explore(make: Factory, signed_in: Any) -> None:
    browser = await signed_in(await make.person("walker"))
    page = await browser.get("/explore")
    assert page.text.count('href="/explore" aria-current="page"') >= 3  # side, phone menu, tabs


async def _trending(services: Services, author: Person, n: int) -> None:
    for i in range(n):
        made = await s.post(services, author, f"popular {i} #kahvi", tags=("kahvi",))
        async with services.db.transaction() as tx:
            row = await tx.session.get(Status, int(made["id"]))
            assert row is not None
            row.favourites_count = 1 + i


async def _statements(services: Services, browser: Any, path: str) -> tuple[int, str]:
    await browser.get(path)  # warm
    await services.runner.drain()
    before = services.db.query_count
    page = await browser.get(path)
    assert page.status_code == 200
    return services.db.query_count - before, page.text


async def test_explore_and_the_welcome_panel_cost_the_same_for_few_or_many_posts(
    services: Services, make: Factory, signed_in: Any
) -> None:
    author = await make.person("author")
    reader = await make.person("reader")
    browser = await signed_in(reader)
    await _trending(services, author, 2)
    few, page = await _statements(services, browser, "/explore")
    assert page.count('<article class="status') == 2
    few_home, _ = await _statements(services, browser, "/home")
    await _trending(services, author, 10)
    many, page = await _statements(services, browser, "/explore")
    assert page.count('<article class="status') == 12
    many_home, home = await _statements(services, browser, "/home")
    assert home.count('<article class="status') == 3  # the welcome panel's trending posts
    assert many == few and many_home == few_home  # not a statement per post
