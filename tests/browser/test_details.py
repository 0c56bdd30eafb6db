"""Details people notice (issue 15, item 7), in a real browser:

- sign-up names every problem at once, next to each field and in a focused summary, and keeps
  what was typed (at 360 and 1280 px, English and Finnish);
- times read as relative text in the page's language, their title the absolute time in the
  browser's time zone (Helsinki and New York differ), refreshed as time passes and for posts
  added later;
- keyboard shortcuts j/k/f/?/n (and Esc) work, in English and Finnish, and stay out of the way
  while typing.

One person per language posts twice (module fixture); each test opens contexts with the saved
sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import ConsoleWatch
from tests.browser.test_axe import AXE, RUN_AXE
from tests.browser.test_journey import assert_fits, choose_language, sign_up, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAMES = {"en": "tuuli", "fi": "sisko"}


def post(page: Any, lang: str, text: str) -> str:
    page.goto("/compose")
    page.get_by_label(t(lang, "What's on your mind?")).fill(text)
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    return str(page.url)


@pytest.fixture(scope="module")
def people(chromium: Any, server: str) -> Iterator[dict[str, dict[str, Any]]]:
    """Per language: the saved sign-in and the URL of the second of two posts."""
    found: dict[str, dict[str, Any]] = {}
    for lang, name in NAMES.items():
        context = chromium.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        choose_language(page, lang)
        sign_up(page, lang, name)
        post(page, lang, f"First post by {name}")
        url = post(page, lang, f"Second post by {name}")
        found[lang] = {"state": context.storage_state(), "url": url}
        context.close()
    yield found


@pytest.fixture
def open_page(chromium: Any, server: str, console: ConsoleWatch) -> Iterator[Any]:
    """``open_page(state=None, timezone_id=None, axe=False)``: a 1280 px page, own context."""
    contexts: list[Any] = []

    def make(state: Any = None, timezone_id: str | None = None, axe: bool = False) -> Any:
        context = chromium.new_context(
            base_url=server,
            viewport={"width": 1280, "height": 900},
            storage_state=state,
            timezone_id=timezone_id,
            bypass_csp=axe,  # axe-core is injected inline
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()
    # A refused sign-up answers 422 by design; Chromium logs that as a console error.
    errors = [e for e in console.errors if not re.search(r"status of 422 .*/auth/sign_up", e)]
    assert errors == [], "browser console errors:\n" + "\n".join(errors)


# --- Sign-up ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_sign_up_shows_every_problem_at_once(open_page: Any, lang: str) -> None:
    page = open_page(axe=True)
    choose_language(page, lang)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/auth/sign_up")
        page.get_by_label(t(lang, "Display name")).fill("Maija M")
        page.get_by_label(t(lang, "Username"), exact=True).fill("maija m")
        page.get_by_label(t(lang, "E-mail address")).fill("maija-at-example")
        page.get_by_label(t(lang, "Password"), exact=True).fill("short")
        page.get_by_label(t(lang, "Password again")).fill("other")
        page.get_by_role("button", name=t(lang, "Sign up")).click()
        summary = page.locator("#error-summary")
        summary.wait_for()
        page.wait_for_function("() => document.activeElement.id === 'error-summary'")
        links = summary.locator("a")
        assert links.count() == 4
        for field in ("username", "email", "password", "agreement"):
            error = page.locator(f"#{field}-error")
            assert error.is_visible()
            described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
            assert f"{field}-error" in described.split()
            assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true"
            link = summary.locator(f'a[href="#{field}"]')
            assert link.inner_text().strip() == error.inner_text().strip()
        assert page.locator("#display_name").input_value() == "Maija M"
        assert page.locator("#username").input_value() == "maija m"
        assert page.locator("#email").input_value() == "maija-at-example"
        assert page.locator("#password").input_value() == ""
        expected = t(lang, "Please accept the server rules to continue.")
        assert page.locator("#agreement-error").inner_text().strip() == expected
        if width == 360:
            assert_fits(page, "/auth/sign_up (errors)")
        else:
            page.add_script_tag(content=AXE)
            assert page.evaluate(RUN_AXE) == []
        summary.locator('a[href="#email"]').click()
        assert page.url.endswith("#email")


# --- Times -----------------------------------------------------------------------------------


def local_clock(iso: str, zone: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))


def shown(moment: datetime, text: str) -> bool:
    """Whether ``text`` has ``moment``'s hour and minute as English Intl writes them: 4:56 PM
    (a space or a narrow no-break space before PM, by ICU version)."""
    hour = moment.hour % 12 or 12
    noon = "PM" if moment.hour >= 12 else "AM"
    return re.search(rf"(?<!\d){hour}:{moment.minute:02d}\s{noon}", text) is not None


@pytest.mark.parametrize("zone", ["Europe/Helsinki", "America/New_York"])
def test_times_read_relative_and_absolute_in_the_browsers_zone(
    open_page: Any, people: dict[str, dict[str, Any]], zone: str
) -> None:
    page = open_page(people["en"]["state"], timezone_id=zone)
    page.goto(people["en"]["url"])
    header = page.locator("#focus .status-header time")
    stamp = header.get_attribute("datetime") or ""
    here = local_clock(stamp, zone)
    other = local_clock(
        stamp, "America/New_York" if zone == "Europe/Helsinki" else "Europe/Helsinki"
    )
    assert here.hour != other.hour

    assert re.fullmatch(r"\d+[sm]|now", header.inner_text())
    title = header.get_attribute("title") or ""
    assert shown(here, title) and not shown(other, title) and "UTC" not in title
    link_name = page.locator("#focus .status-header a.when").get_attribute("aria-label") or ""
    assert link_name.startswith(header.inner_text() + " (")

    full = page.locator('.status-meta time[data-time="long"]')
    assert shown(here, full.inner_text()) and str(here.year) in full.inner_text()


def test_times_change_as_time_passes_and_for_posts_added_later(
    open_page: Any, people: dict[str, dict[str, Any]]
) -> None:
    page = open_page(people["fi"]["state"], timezone_id="Europe/Helsinki")
    page.clock.install()
    page.goto("/home")
    first = page.locator("main article.status time[data-time=short]").first
    before = first.inner_text()
    page.clock.fast_forward("03:00")
    page.clock.run_for(61_000)
    assert first.inner_text() != before
    assert re.fullmatch(r"[345] ?min", first.inner_text())

    added = page.evaluate(
        """() => {
          const el = document.createElement('p');
          const when = new Date(Date.now() - 5 * 60 * 1000).toISOString();
          el.innerHTML = `<time datetime="${when}" data-time="ago" id="late">server text</time>`;
          document.querySelector('main').append(el);
          return new Promise((done) => queueMicrotask(() => done(when)));
        }"""
    )
    late = page.locator("#late")
    assert late.inner_text() == "5 minuuttia sitten"
    helsinki = local_clock(added, "Europe/Helsinki")
    assert f"{helsinki.hour}.{helsinki.minute:02d}" in (late.get_attribute("title") or "")

    # An old post's header: the date, and the link's name the date and time in Helsinki.
    page.evaluate(
        """() => {
          const el = document.createElement('p');
          el.innerHTML = '<a class="when" href="/" aria-label="x" id="old">'
            + '<time datetime="2020-03-01T09:05:00.000Z" data-time="short">x</time></a>';
          document.querySelector('main').append(el);
          return new Promise((done) => queueMicrotask(done));
        }"""
    )
    old = page.locator("#old")
    assert "2020" in old.inner_text()
    assert old.get_attribute("aria-label") == f"{old.inner_text()} (1.3.2020 klo 11.05)"


# --- Keyboard shortcuts ----------------------------------------------------------------------


def focused_post(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.closest('article.status')?.id || ''"))


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_keyboard_shortcuts(open_page: Any, people: dict[str, dict[str, Any]], lang: str) -> None:
    page = open_page(people[lang]["state"])
    page.goto("/home")
    ids = page.locator("main article.status").evaluate_all("els => els.map((el) => el.id)")
    assert len(ids) >= 2

    page.keyboard.press("j")
    assert focused_post(page) == ids[0]
    page.keyboard.press("j")
    assert focused_post(page) == ids[1]
    second = page.locator(f"#{ids[1]}")
    assert second.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("k")
    assert focused_post(page) == ids[0]

    first = page.locator(f"#{ids[0]}")
    page.keyboard.press("f")
    first.locator("button.action-favourite[aria-pressed=true]").wait_for()
    assert focused_post(page) == ids[0]

    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts-help")
    help_dialog.wait_for(state="visible")
    assert help_dialog.get_by_role("heading").inner_text() == t(lang, "Keyboard shortcuts")
    assert t(lang, "Next post") in help_dialog.inner_text()
    page.keyboard.press("j")  # a dialog is open: no shortcut
    assert focused_post(page) == ""
    page.keyboard.press("Escape")
    help_dialog.wait_for(state="hidden")

    page.keyboard.press("n")
    composer = page.locator("dialog.compose-dialog[open]:not(#shortcuts-help)")
    composer.wait_for()
    box = composer.locator("textarea[name=status]")
    box.focus()
    page.keyboard.type("jk?")
    assert box.input_value() == "jk?"
    assert page.locator("#shortcuts-help").is_hidden()
    page.keyboard.press("Escape")
    composer.wait_for(state="hidden")

    assert focused_post(page) == ids[0]
    page.keyboard.press("Control+j")
    assert focused_post(page) == ids[0]
    page.keyboard.press("o")
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
