"""The journey of issue 4, in a real browser, in English and then in Finnish.

A signs up and posts a photo (with alt text) and a poll; B signs up, follows A, likes, replies,
boosts, votes and sends A a direct message; A, watching the notifications page, sees them
arrive live and answers the message. Screenshots of the main pages at desktop and phone widths
are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from porina.web import i18n
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"


def t(lang: str, message: str) -> str:
    """The UI's words in ``lang``, straight from the catalogs the app uses."""
    i18n.activate(lang)
    try:
        return i18n.gettext(message)
    finally:
        i18n.activate(i18n.DEFAULT)


def photo(tmp: Path) -> Path:
    path = tmp / "sunrise.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (230, 120, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose_language(page: Any, lang: str) -> None:
    page.goto("/")
    if lang != "en":
        page.locator(f".lang-switch button[value={lang}]").click()
        page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == lang


def sign_up(page: Any, lang: str, username: str) -> None:
    page.goto("/auth/sign_up")
    page.get_by_label(t(lang, "Display name")).fill(username.title())
    page.get_by_label(t(lang, "Username"), exact=True).fill(username)
    page.get_by_label(t(lang, "E-mail address")).fill(f"{username}@example.com")
    page.get_by_label(t(lang, "Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t(lang, "Password again")).fill(PASSWORD)
    page.get_by_label(t(lang, "I agree to follow the rules of this server.")).check()
    page.get_by_role("button", name=t(lang, "Sign up")).click()
    page.wait_for_url("**/home")


def post_photo_and_poll(page: Any, lang: str, tmp: Path) -> tuple[str, str]:
    """A photo post (alt text asked for as soon as the file is chosen) and a poll post (a
    post cannot carry both, as in Mastodon)."""
    page.goto("/compose")
    page.get_by_label(t(lang, "What's on your mind?")).fill("Morning at the harbour #porina")
    page.locator("#compose-new-media-1").set_input_files(str(photo(tmp)))
    alt = page.locator("#compose-new-media-1-alt")
    alt.wait_for(state="visible")
    assert alt.evaluate("el => document.activeElement === el")
    alt.fill("Orange sunrise over the harbour")
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    image = page.locator(".media img").first
    assert image.get_attribute("alt") == "Orange sunrise over the harbour"
    photo_url = page.url

    page.goto("/compose")
    page.get_by_label(t(lang, "What's on your mind?")).fill("Coffee or tea at the harbour?")
    page.locator("details.poll-editor > summary").click()
    page.locator("#compose-new-poll-0").fill("Coffee")
    page.locator("#compose-new-poll-1").fill("Tea")
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    return photo_url, page.url


def status_id_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def b_interacts(page: Any, lang: str, a_name: str, post_url: str, poll_url: str) -> None:
    sid = status_id_of(post_url)
    page.goto(f"/@{a_name}")
    page.locator(".follow-form button").click()
    page.get_by_role("button", name=t(lang, "Unfollow")).wait_for()

    page.goto(post_url)
    actions = page.locator(f"#actions-{sid}")
    actions.locator("button.action-favourite").click()
    page.locator(f"#actions-{sid} button.action-favourite[aria-pressed=true]").wait_for()
    assert page.locator(f'#actions-{sid} [data-count="favourite"]').inner_text() == "1"
    page.locator(f"#actions-{sid} button.action-reblog").click()
    page.locator(f"#actions-{sid} button.action-reblog[aria-pressed=true]").wait_for()
    assert page.locator(f'#actions-{sid} [data-count="reblog"]').inner_text() == "1"

    page.locator(f"#compose-{sid}-text").fill(f"@{a_name} Lovely colours!")
    page.locator(f"#compose-{sid} button[type=submit].primary").click()
    page.get_by_text("Lovely colours!").first.wait_for()

    page.goto(poll_url)
    page.locator(".poll input[type=radio]").first.check()
    page.get_by_role("button", name=t(lang, "Vote")).click()
    page.locator(".poll-results").wait_for()

    page.goto(f"/compose?to={a_name}")
    box = page.get_by_label(t(lang, "What's on your mind?"))
    box.fill(f"@{a_name} Are you open on Sunday?")
    assert page.locator("#compose-new-visibility").input_value() == "direct"
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))


def journey(new_page: Any, tmp: Path, lang: str, a_name: str, b_name: str) -> None:
    a = new_page()
    choose_language(a, lang)
    sign_up(a, lang, a_name)
    assert a.get_by_role("link", name=t(lang, "Notifications")).is_visible()
    post_url, poll_url = post_photo_and_poll(a, lang, tmp)
    shoot(a, f"{lang}-status-desktop")

    a.goto("/notifications")
    notes = a.locator("#notifications .notification")
    a.wait_for_timeout(300)  # the live stream connects

    b = new_page(width=360, height=780)
    choose_language(b, lang)
    sign_up(b, lang, b_name)
    b_interacts(b, lang, a_name, post_url, poll_url)
    shoot(b, f"{lang}-status-phone")

    b_display = b_name.title()
    expected = [
        t(lang, "%(name)s followed you") % {"name": b_display},
        t(lang, "%(name)s liked your post") % {"name": b_display},
        t(lang, "%(name)s boosted your post") % {"name": b_display},
        t(lang, "%(name)s sent you a direct message") % {"name": b_display},
    ]
    for words in expected:
        a.locator("#notifications .notification", has_text=words).first.wait_for()
    assert notes.count() >= 4
    assert a.url.endswith("/notifications"), "notifications arrived without leaving the page"
    shoot(a, f"{lang}-notifications-desktop")

    a.goto("/conversations")
    a.locator("#conversations .conversation").first.click()
    a.wait_for_url(re.compile(r".*/@\w+/\d+.*"))
    reply_box = a.locator("form.compose textarea[name=status]").first
    reply_box.fill(f"@{b_name} Yes, from ten to four!")
    a.locator("form.compose button[type=submit]").first.click()
    a.get_by_text("Yes, from ten to four!").first.wait_for()

    b.goto("/conversations")
    b.locator("#conversations .conversation", has_text="ten to four").first.wait_for()
    shoot(b, f"{lang}-conversations-phone")

    pages = [
        ("/home", "home"),
        (f"/@{a_name}", "profile"),
        ("/notifications", "notifications"),
        ("/compose", "compose"),
        ("/settings", "settings"),
    ]
    for path, name in pages:
        a.goto(path)
        shoot(a, f"{lang}-{name}-desktop")
        b.goto(path)
        shoot(b, f"{lang}-{name}-phone")
        assert_fits(b, path)


WIDER = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(el => el.tagName + '.' + el.className + '#' + el.id)"""


def assert_fits(page: Any, path: str) -> None:
    """Nothing makes a phone-width page scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} scrolls sideways at 360 px ({width} px): {page.evaluate(WIDER)}"


def test_journey_in_english(new_page: Any, tmp_path: Path) -> None:
    journey(new_page, tmp_path, "en", "annika", "bertil")


def test_journey_in_finnish(new_page: Any, tmp_path: Path) -> None:
    journey(new_page, tmp_path, "fi", "aino", "eero")


def test_anonymous_landing_page_at_phone_width(new_page: Any) -> None:
    page = new_page(width=360, height=780)
    page.goto("/")
    assert page.get_by_role("link", name="Porina").first.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    shoot(page, "en-landing-phone")
    assert_fits(page, "/")
