"""Every page's controls have an accessible name, images carry alt text, the page has one
main landmark, nothing overflows at 360 px, and keyboard focus reaches the main actions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_journey import photo, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AUDIT = (Path(__file__).with_name("audit.js")).read_text()


def audit(page: Any, path: str) -> list[str]:
    page.goto(path)
    found = page.evaluate(AUDIT)
    problems = [f"{path}: unnamed control {html}" for html in found["unnamed"]]
    problems += [f"{path}: image without alt {src}" for src in found["noAlt"]]
    if found["mains"] != 1:
        problems.append(f"{path}: {found['mains']} <main> landmarks")
    if found["overflow"] > 1:
        problems.append(f"{path}: {found['overflow']} px wider than a 360 px screen")
    return problems


def test_every_page_names_its_controls_and_fits_a_phone(new_page: Any, tmp_path: Path) -> None:
    page = new_page(width=360, height=780)
    sign_up(page, "en", "auditor")
    page.goto("/compose")
    page.get_by_label("What's on your mind?").fill("An accessible post with a photo #a11y")
    page.locator("#compose-new-media-1").set_input_files(str(photo(tmp_path)))
    page.locator("#compose-new-media-1-alt").fill("A plain orange square")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r".*/@auditor/\d+$"))
    status_link = page.url
    paths = [
        "/",
        "/about",
        "/home",
        "/compose",
        "/notifications",
        "/conversations",
        "/search?q=a11y",
        "/tags/a11y",
        "/lists",
        "/settings",
        "/@auditor",
        "/@auditor/media",
        status_link,
    ]
    problems = [problem for path in paths for problem in audit(page, path)]
    assert problems == []


def test_keyboard_focus_reaches_navigation_and_post_actions(new_page: Any) -> None:
    page = new_page()
    sign_up(page, "en", "keyboarder")
    page.goto("/home")
    reached: set[str] = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement?.getAttribute('href') || 'other'"))
    assert {"/home", "/notifications", "/compose"} <= reached
