"""The first minute of a new account (issue 15, items 6-7), in a real browser, EN and FI, at
360 and 1280 px: the empty home shows people to follow and what is trending; following from
the panel works; Explore's tabs work; blocking asks first (cancel keeps, confirm blocks); no
avatar is squashed, even from a picture that is not square.

A popular author (two followers, a favourited and boosted post under a hashtag of its own, a
note and a wide avatar) is made once through the API; each run signs up a new person."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import ConsoleWatch
from tests.browser.test_live import Person, app_token, sign_up, t, tn

pytestmark = [pytest.mark.browser]

LANGS = ("en", "fi")
WIDTHS = (360, 1280)
TAG = "kahvifm"
POST = "Fresh bread today"


def wide_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def world(server: str, chromium: Any) -> dict[str, Person]:
    app = app_token(server)
    star, fan, fan2 = (
        sign_up(server, chromium, app, n, "en") for n in ("starfm", "fanfm", "fan2fm")
    )
    with star.api(server) as api:
        done = api.patch(
            "/api/v1/accounts/update_credentials",
            data={"display_name": "Star Baker", "note": "I bake bread."},
            files={"avatar": ("wide.png", wide_png(), "image/png")},
        )
        assert done.status_code == 200, done.text
        post = api.post("/api/v1/statuses", data={"status": f"{POST} #{TAG}"}).json()
    for someone in (fan, fan2):
        with someone.api(server) as api:
            assert api.post(f"/api/v1/accounts/{star.id}/follow").status_code == 200
            assert api.post(f"/api/v1/statuses/{post['id']}/favourite").status_code == 200
            assert api.post(f"/api/v1/statuses/{post['id']}/reblog").status_code == 200
            api.post("/api/v1/statuses", data={"status": f"Coffee #{TAG}"})
    return {"star": star, "fan": fan}


@pytest.fixture
def open_as(chromium: Any, server: str, console: ConsoleWatch) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(person: Person, width: int, lang: str) -> Any:
        context = chromium.new_context(
            base_url=server,
            viewport={"width": width, "height": 800},
            storage_state=person.state,
            locale=lang,
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


AVATARS = """async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 300; canvas.height = 100;
  canvas.getContext('2d').fillRect(0, 0, 300, 100);
  const wide = canvas.toDataURL();
  const shown = [...document.querySelectorAll('img.avatar, .avatars img')]
    .filter((img) => img.getBoundingClientRect().width > 0);
  await Promise.all(shown.map((img) => new Promise((done) => {
    img.onload = done; img.onerror = done; img.removeAttribute('loading'); img.src = wide;
  })));
  return shown.map((img) => {
    const box = img.getBoundingClientRect();
    return {ratio: box.width / box.height, fit: getComputedStyle(img).objectFit,
            sized: img.hasAttribute('width') && img.hasAttribute('height'),
            natural: img.naturalWidth / img.naturalHeight};
  });
}"""


def assert_avatars_square(page: Any) -> None:
    """Every visible avatar, given a 3:1 picture, still shows as a square (cropped, not
    squashed) and reserves its size before loading."""
    found = page.evaluate(AVATARS)
    assert found, "no avatars on the page"
    for avatar in found:
        assert avatar["natural"] == 3
        assert avatar["sized"], avatar
        assert avatar["fit"] == "cover", avatar
        assert abs(avatar["ratio"] - 1) < 0.02, avatar


def relationship(server: str, who: Person, other: Person) -> dict[str, Any]:
    with who.api(server) as api:
        found: dict[str, Any] = api.get(
            "/api/v1/accounts/relationships", params={"id[]": other.id}
        ).json()[0]
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_first_minute(
    server: str, chromium: Any, world: dict[str, Person], open_as: Any, lang: str, width: int
) -> None:
    star, fan = world["star"], world["fan"]
    newcomer = sign_up(server, chromium, app_token(server), f"new{lang}{width}", lang)
    page = open_as(newcomer, width, lang)
    page.goto("/home")
    panel = page.locator("section.welcome")
    expect(panel.get_by_role("heading", level=2)).to_have_text(
        t(lang, "Welcome! Your home timeline fills up as you follow people.")
    )
    card = panel.locator(f"#person-{star.id}")
    expect(card).to_contain_text("Star Baker")
    expect(card).to_contain_text("@starfm")
    expect(card).to_contain_text("I bake bread.")
    expect(panel.locator(".trending-tags").get_by_role("link", name=f"#{TAG}")).to_be_visible()
    expect(panel.locator(".hashtag-row", has_text=f"#{TAG}")).to_contain_text(
        tn(lang, "%(num)s person this week", "%(num)s people this week", 3)
    )
    expect(panel.locator(".status", has_text=POST).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    card.get_by_role("button", name=t(lang, "Follow"), exact=True).click()
    expect(card.get_by_role("button", name=t(lang, "Unfollow"))).to_be_visible()
    assert relationship(server, newcomer, star)["following"] is True
    page.reload()
    expect(page.locator("section.welcome")).to_have_count(0)
    expect(page.locator("#feed .status", has_text=POST).first).to_be_visible()

    page.locator("a[href='/explore']:visible").first.click()
    page.wait_for_url(re.compile(r".*/explore$"))
    tabs = page.get_by_role("navigation", name=t(lang, "Explore"), exact=True).last
    expect(tabs.locator("[aria-current=page]")).to_have_text(t(lang, "Posts"))
    expect(page.locator("#feed .status", has_text=POST).first).to_be_visible()
    tabs.get_by_role("link", name=t(lang, "Hashtags")).click()
    page.wait_for_url(re.compile(r".*/explore/tags$"))
    expect(tabs.locator("[aria-current=page]")).to_have_text(t(lang, "Hashtags"))
    expect(page.locator(".trending-tags").get_by_role("link", name=f"#{TAG}")).to_be_visible()
    tabs.get_by_role("link", name=t(lang, "People")).click()
    page.wait_for_url(re.compile(r".*/explore/people$"))
    expect(tabs.locator("[aria-current=page]")).to_have_text(t(lang, "People"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto("/@fanfm")
    assert_avatars_square(page)
    menu = page.locator("details.account-menu")
    block = t(lang, "Block %(name)s…") % {"name": "@fanfm"}
    dialog = page.get_by_role("dialog", name=t(lang, "Block %(name)s?") % {"name": "@fanfm"})
    menu.locator("summary").click()
    page.get_by_role("link", name=block).click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=t(lang, "Cancel")).click()
    expect(dialog).to_be_hidden()
    assert relationship(server, newcomer, fan)["blocking"] is False
    page.get_by_role("link", name=block).click()
    dialog.get_by_role("button", name=t(lang, "Block"), exact=True).click()
    page.wait_for_load_state()
    menu.locator("summary").click()
    expect(page.get_by_role("button", name=t(lang, "Unblock"))).to_be_visible()
    assert relationship(server, newcomer, fan)["blocking"] is True

    page.goto("/home")
    assert_avatars_square(page)
