"""The layout and design system in a real browser, in English and in Finnish: side navigation
and the side column at 1280 px, a bottom tab bar at 360 px, a post header on one line at
360 px, no sideways scrolling, named icon buttons, the photo lightbox by keyboard, generated
avatars, and the light/dark switch. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.test_journey import PASSWORD, assert_fits, choose_language, shoot, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGS = ["en", "fi"]


def picture(tmp: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = tmp / f"{name}.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def join(page: Any, lang: str, username: str, display_name: str) -> None:
    choose_language(page, lang)
    page.goto("/auth/sign_up")
    page.get_by_label(t(lang, "Display name")).fill(display_name)
    page.get_by_label(t(lang, "Username"), exact=True).fill(username)
    page.get_by_label(t(lang, "E-mail address")).fill(f"{username}@example.com")
    page.get_by_label(t(lang, "Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t(lang, "Password again")).fill(PASSWORD)
    page.get_by_label(t(lang, "I agree to follow the rules of this server.")).check()
    page.get_by_role("button", name=t(lang, "Sign up")).click()
    page.wait_for_url("**/home")


def post_photos(page: Any, lang: str, tmp: Path) -> str:
    """A post with two described photos; returns its URL."""
    page.goto("/compose")
    page.get_by_label(t(lang, "What's on your mind?")).fill("Two photos from the harbour #layout")
    for n, (name, colour, alt) in enumerate(
        [("red", (200, 40, 40), "A red boat"), ("blue", (40, 60, 200), "A blue sea")], start=1
    ):
        page.locator(f"#compose-new-media-{n}").set_input_files(str(picture(tmp, name, colour)))
        page.locator(f"#compose-new-media-{n}-alt").fill(alt)
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    return str(page.url)


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return dict(found)


@pytest.mark.parametrize("lang", LANGS)
def test_wide_screen_has_side_navigation_and_side_column(
    new_page: Any, lang: str, tmp_path: Path
) -> None:
    page = new_page(width=1280, height=900)
    join(page, lang, f"wide{lang}", f"Wide {lang.upper()}")
    page.goto("/home")
    nav = page.locator(".sidenav .main-nav")
    assert nav.is_visible()
    home = nav.get_by_role("link", name=t(lang, "Home"))
    assert home.get_attribute("aria-current") == "page"
    label = home.locator(".nav-label")
    assert label.is_visible() and label.inner_text() == t(lang, "Home")
    assert box(nav)["x"] < box(page.locator("main"))["x"]  # the navigation is to the left
    side = page.locator(".sidecol")
    assert side.is_visible() and box(side)["x"] > box(page.locator("main"))["x"]
    quick = page.locator(".sidecol .quick-compose")
    assert quick.locator("textarea[name=status]").is_visible()
    page.locator(".sidecol #trends-title").wait_for()  # the trends arrive after the page
    assert not page.locator(".tabbar").is_visible()
    main = box(page.locator("main"))
    assert 560 <= main["width"] <= 640
    quick.locator("textarea[name=status]").fill("Hello from the side column")
    quick.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    assert page.get_by_text("Hello from the side column").first.is_visible()
    page.goto("/home")
    shoot(page, f"{lang}-layout-home-desktop")


@pytest.mark.parametrize("lang", LANGS)
def test_phone_has_bottom_tabs_and_one_line_post_header(
    new_page: Any, lang: str, tmp_path: Path
) -> None:
    page = new_page(width=360, height=780)
    join(page, lang, f"kristiina_virtanen_{lang}", "Kristiina Virtanen-Lahtinen Oy Ab")
    url = post_photos(page, lang, tmp_path)
    tabbar = page.locator(".tabbar")
    assert tabbar.is_visible()
    bar = box(tabbar)
    assert bar["y"] + bar["height"] == pytest.approx(780, abs=1)
    assert bar["width"] == pytest.approx(360, abs=1)
    for name in ("Home", "Explore", "New post", "Notifications", "Profile"):
        assert tabbar.get_by_role("link", name=t(lang, name)).is_visible()
    assert not page.locator(".sidenav .main-nav").is_visible()
    assert not page.locator(".sidecol").is_visible()
    menu = page.get_by_role("navigation", name=t(lang, "Menu"))
    page.locator(".phone-menu summary").click()  # every other link is in the menu
    assert menu.get_by_role("link", name=t(lang, "Settings")).is_visible()
    assert_fits(page, "/ (menu open)")
    shoot(page, f"{lang}-layout-menu-phone")
    page.keyboard.press("Escape")
    assert not menu.is_visible()

    for path in ("/home", url, "/notifications", "/search"):
        page.goto(path)
        assert_fits(page, path)
    page.goto("/home")
    article = page.locator("#feed .status").first
    parts = [
        article.locator(".status-header .display-name"),
        article.locator(".status-header .acct"),
        article.locator(".status-header .when"),
        article.locator(".status-header .visibility"),
    ]
    boxes = [box(part) for part in parts]
    middles = [b["y"] + b["height"] / 2 for b in boxes]
    assert max(middles) - min(middles) < 8, f"header wraps: {boxes}"
    right = box(article)["x"] + box(article)["width"]
    assert all(b["x"] + b["width"] <= right for b in boxes)
    name = parts[0]
    assert name.evaluate("el => el.scrollWidth > el.clientWidth"), "the long name is cut"
    shoot(page, f"{lang}-layout-home-phone")


@pytest.mark.parametrize("lang", LANGS)
def test_icon_buttons_have_names_and_avatars_are_generated(new_page: Any, lang: str) -> None:
    page = new_page(width=1280, height=900)
    join(page, lang, f"iconic{lang}", f"Iconic {lang.upper()}")
    page.goto("/compose")
    page.get_by_label(t(lang, "What's on your mind?")).fill("Icons everywhere")
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    controls = page.locator(".actions > a, .actions > form > button, .actions > details > summary")
    assert controls.count() >= 6
    for i in range(controls.count()):
        label = controls.nth(i).get_attribute("aria-label") or ""
        assert label.strip(), controls.nth(i).evaluate("el => el.outerHTML")
    names = [controls.nth(i).get_attribute("aria-label") for i in range(controls.count())]
    for word in ("Reply", "Boost", "Like", "Bookmark", "Share"):
        assert any(n and n.startswith(t(lang, word)) for n in names), (word, names)
    hidden = "[...document.querySelectorAll('svg.icon')].map(s => s.getAttribute('aria-hidden'))"
    assert set(page.evaluate(hidden)) == {"true"}
    actions_text = page.locator(".actions").first.inner_text()
    assert not re.search(r"[↩⟳♥⚑❝⇪]", actions_text)
    # the account has no picture: a generated one, with its initial, not a grey silhouette
    avatar = page.locator(".status-avatar img").first
    src = avatar.get_attribute("src") or ""
    assert "/avatars/generated/" in src and src.endswith(f"-I{lang.upper()[0]}.svg")
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize("lang", LANGS)
def test_lightbox_opens_moves_and_closes_by_keyboard(
    new_page: Any, lang: str, tmp_path: Path
) -> None:
    page = new_page(width=1280, height=900)
    join(page, lang, f"photog{lang}", f"Photographer {lang.upper()}")
    post_photos(page, lang, tmp_path)
    first = page.locator(".media [data-lightbox]").first
    first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.lightbox")
    dialog.wait_for(state="visible")
    assert dialog.evaluate("d => d.open")
    caption = dialog.locator(".lightbox-alt")
    assert caption.inner_text() == "A red boat"
    assert dialog.locator(".lightbox-image").get_attribute("alt") == "A red boat"
    shoot(page, f"{lang}-lightbox-desktop")
    page.keyboard.press("ArrowRight")
    assert caption.inner_text() == "A blue sea"
    page.keyboard.press("ArrowLeft")
    assert caption.inner_text() == "A red boat"
    for _ in range(6):  # focus stays in the lightbox
        page.keyboard.press("Tab")
        assert dialog.evaluate("d => d.contains(document.activeElement)")
    named = dialog.locator("button")
    for i in range(named.count()):
        if named.nth(i).is_visible():
            assert (named.nth(i).get_attribute("aria-label") or "").strip()
    close = dialog.get_by_role("button", name=t(lang, "Close"))
    assert close.is_visible()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.hasAttribute('data-lightbox')")


@pytest.mark.parametrize("lang", LANGS)
def test_dark_mode_toggles_and_stays(new_page: Any, lang: str) -> None:
    page = new_page(width=360, height=780)
    choose_language(page, lang)
    page.goto("/about")

    def background() -> int:
        rgb = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        return sum(int(v) for v in re.findall(r"\d+", rgb)[:3])

    assert page.locator("html").get_attribute("data-theme") is None
    light = background()
    toggle = page.get_by_role("button", name=t(lang, "Dark theme"))
    toggle.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    dark = background()
    assert dark < light - 300
    shoot(page, f"{lang}-about-dark-phone")
    page.goto("/public/local")
    assert page.locator("html").get_attribute("data-theme") == "dark"  # kept in a cookie
    page.get_by_role("button", name=t(lang, "Light theme")).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("data-theme") == "light"
    assert background() == light


def test_photos_show_their_blurhash_while_loading(new_page: Any, tmp_path: Path) -> None:
    page = new_page(width=1280, height=900)
    join(page, "en", "blurry", "Blurry")
    url = post_photos(page, "en", tmp_path)
    page.route("**/media/**", lambda route: None)  # the photos never arrive
    page.goto(url)
    item = page.locator(".media-item.has-blur").first
    item.wait_for()
    background = item.evaluate("el => el.style.backgroundImage")
    assert background.startswith('url("data:image/png')
    assert item.locator("img").evaluate("img => getComputedStyle(img).opacity") == "0"
