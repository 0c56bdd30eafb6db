"""Live, not stale (issue 15, item 5), in a real browser, EN and FI, at 360 and 1280 px.

Three people per language (signed up through the API once, signed in once; each run opens
fresh browser contexts with the saved sign-in): A watches a post while B likes, boosts and
replies to it in another browser; C watches A's profile while B follows and unfollows A; A
reads the home timeline while B posts: a "1 new post" button appears, the page stays where it
is, and pressing it shows the post. A's own post (from another device) appears at once.
Nothing reloads the pages: a mark set on ``window`` survives every step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from porina.web import i18n
from tests.browser.conftest import ARTIFACTS, ConsoleWatch

pytestmark = [pytest.mark.browser]

PASSWORD = "correct horse battery"
LANGS = ("en", "fi")
WIDTHS = (360, 1280)


def t(lang: str, message: str) -> str:
    i18n.activate(lang)
    try:
        return i18n.gettext(message)
    finally:
        i18n.activate(i18n.DEFAULT)


def tn(lang: str, singular: str, plural: str, n: int) -> str:
    i18n.activate(lang)
    try:
        return i18n.ngettext(singular, plural, n) % {"num": n}
    finally:
        i18n.activate(i18n.DEFAULT)


@dataclass
class Person:
    name: str
    id: str
    token: str
    state: dict[str, Any]  # the browser's saved sign-in

    def api(self, server: str) -> httpx.Client:
        return httpx.Client(
            base_url=server, headers={"Authorization": f"Bearer {self.token}"}, timeout=30
        )


def app_token(server: str) -> str:
    with httpx.Client(base_url=server, timeout=30) as http:
        app = http.post(
            "/api/v1/apps",
            data={
                "client_name": "live test",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write follow",
            },
        ).json()
        token = http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read write follow",
            },
        ).json()
    return str(token["access_token"])


def sign_up(server: str, chromium: Any, app: str, name: str, lang: str) -> Person:
    with httpx.Client(base_url=server, timeout=30) as http:
        made = http.post(
            "/api/v1/accounts",
            headers={"Authorization": f"Bearer {app}"},
            data={
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "agreement": "true",
                "locale": lang,
            },
        )
        assert made.status_code == 200, made.text
        token = made.json()["access_token"]
        me = http.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
        ).json()
    context = chromium.new_context(base_url=server)
    page = context.new_page()
    page.goto("/auth/sign_in")
    page.locator("#login").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r".*/home$"))
    state = context.storage_state()
    context.close()
    return Person(name, str(me["id"]), token, state)


@pytest.fixture(scope="module")
def people(server: str, chromium: Any) -> dict[str, tuple[Person, Person, Person]]:
    """Per language: A, B and C; A follows B."""
    app = app_token(server)
    out = {}
    for lang in LANGS:
        a, b, c = (sign_up(server, chromium, app, f"{n}live{lang}", lang) for n in "abc")
        with a.api(server) as api:
            assert api.post(f"/api/v1/accounts/{b.id}/follow").status_code == 200
        out[lang] = (a, b, c)
    return out


@pytest.fixture
def open_as(chromium: Any, server: str, console: ConsoleWatch) -> Iterator[Any]:
    """``open_as(person, width)``: a page in a fresh context signed in as ``person``."""
    contexts: list[Any] = []

    def make(person: Person, width: int) -> Any:
        context = chromium.new_context(
            base_url=server,
            viewport={"width": width, "height": 800},
            storage_state=person.state,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert console.errors == [], "browser console errors:\n" + "\n".join(console.errors)


def mark(page: Any) -> None:
    """A mark that a reload would lose; and the page's stream is open."""
    page.evaluate("window.__stayed = true")
    page.locator("body[data-streaming=open]").wait_for(state="attached")


def stayed(page: Any) -> bool:
    return bool(page.evaluate("window.__stayed === true"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_counts_followers_and_new_posts_are_live(
    server: str,
    open_as: Any,
    people: dict[str, tuple[Person, Person, Person]],
    lang: str,
    width: int,
) -> None:
    a, b, c = people[lang]
    with a.api(server) as api:
        post = api.post("/api/v1/statuses", data={"status": f"Live at {width} px"}).json()
    sid = post["id"]
    a_page = open_as(a, width)
    a_page.goto(f"/@{a.name}/{sid}")
    assert a_page.locator("html").get_attribute("lang") == lang
    mark(a_page)

    # B likes, boosts and replies in another browser; A's counts follow
    b_page = open_as(b, width)
    b_page.goto(f"/@{a.name}/{sid}")
    b_page.locator(f"#actions-{sid} button.action-favourite").click()
    b_page.locator(f"#actions-{sid} button.action-favourite[aria-pressed=true]").wait_for()
    b_page.locator(f"#actions-{sid} button.action-reblog").click()
    b_page.locator(f"#actions-{sid} button.action-reblog[aria-pressed=true]").wait_for()
    b_page.locator(f"#compose-{sid}-text").fill(f"@{a.name} Nice one")
    b_page.locator(f"#compose-{sid} button[type=submit].primary").click()
    b_page.get_by_text("Nice one").first.wait_for()

    actions = a_page.locator(f"#actions-{sid}").first
    for kind in ("favourite", "reblog", "replies"):
        expect(actions.locator(f'[data-count="{kind}"]')).to_have_text("1")
    like = actions.locator("button.action-favourite")
    expect(like).to_have_attribute("aria-label", f"{t(lang, 'Like')}, 1")
    assert stayed(a_page), "A's page reloaded"

    # C watches A's profile while B follows and unfollows A
    c_page = open_as(c, width)
    c_page.goto(f"/@{a.name}")
    followers = c_page.locator(f"[data-followers-of='{a.id}']")
    before = int(followers.inner_text().split()[0])
    mark(c_page)
    b_page.goto(f"/@{a.name}")
    b_page.locator(".follow-form button").click()
    b_page.get_by_role("button", name=t(lang, "Unfollow"), exact=True).wait_for()
    expect(followers).to_have_text(tn(lang, "%(num)s follower", "%(num)s followers", before + 1))
    b_page.get_by_role("button", name=t(lang, "Unfollow"), exact=True).click()
    b_page.get_by_role("button", name=t(lang, "Follow"), exact=True).wait_for()
    expect(followers).to_have_text(tn(lang, "%(num)s follower", "%(num)s followers", before))
    assert stayed(c_page), "C's page reloaded"

    # A reads home while B posts: a button, not a jump; pressing it shows the post
    a_page.goto("/home")
    mark(a_page)
    first_id = a_page.locator("#feed > .status").first.get_attribute("id")
    first = a_page.locator(f"[id='{first_id}']")  # the card on top before the news
    top_before = first.bounding_box()["y"]
    scroll_before = a_page.evaluate("window.scrollY")
    words = f"Fresh from B at {width} px"
    with b.api(server) as api:
        made = api.post("/api/v1/statuses", data={"status": words})
        assert made.status_code == 200
    pill = a_page.locator("#new-posts [data-show-new]")
    expect(pill).to_be_visible()
    expect(pill).to_have_text(tn(lang, "%(num)s new post", "%(num)s new posts", 1))
    ARTIFACTS.mkdir(exist_ok=True)
    a_page.screenshot(path=str(ARTIFACTS / f"live-new-posts-{lang}-{width}.png"))
    assert a_page.locator("#feed").get_by_text(words).count() == 0
    with c.api(server) as api:  # liked while it waits behind the button
        assert api.post(f"/api/v1/statuses/{made.json()['id']}/favourite").status_code == 200
    assert a_page.evaluate("window.scrollY") == scroll_before
    assert first.bounding_box()["y"] == top_before, "the feed moved"
    pill.click()
    fresh = a_page.locator("#feed > .status").first
    expect(fresh).to_contain_text(words)
    expect(fresh).to_be_in_viewport()
    expect(fresh.locator('[data-count="favourite"]')).to_have_text("1")
    expect(pill).to_be_hidden()

    # A's own post from another device appears at once, without the button
    with a.api(server) as api:
        assert api.post("/api/v1/statuses", data={"status": f"Mine at {width}"}).status_code == 200
    expect(a_page.locator("#feed > .status").first).to_contain_text(f"Mine at {width}")
    expect(pill).to_be_hidden()
    assert stayed(a_page), "A's page reloaded"
