"""Groups in a real browser (issue 21, point 1): someone starts a private group from the
directory, opens a discussion on its page, pins it and sees it marked, then changes its rules
on the edit page; at 360 px in Finnish and at 1280 px in English, the pages fitting the narrow
screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_journey import assert_fits, t
from tests.browser.test_layout import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(("lang", "width"), [("fi", 360), ("en", 1280)])
def test_start_a_group_open_a_discussion_and_pin_it(new_page: Any, lang: str, width: int) -> None:
    page = new_page(width=width)
    join(page, lang, f"leipuri{lang}{width}", "Leipuri")
    page.goto("/groups")
    page.get_by_label(t(lang, "Name (letters, numbers and underscores)")).fill(
        f"kerho{lang}{width}"
    )
    page.get_by_label(t(lang, "Display name"), exact=True).fill("Kerho")
    page.get_by_label(t(lang, "Rules, one on each line")).fill("Be kind")
    page.get_by_label(t(lang, "Private: members read it; joining is a request")).check()
    page.get_by_role("button", name=t(lang, "Start the group")).click()
    page.wait_for_url("**/groups/*")
    main = page.locator("main")
    assert "Be kind" in main.inner_text() and t(lang, "Private group") in main.inner_text()
    page.locator("#group-status").fill("Sourdough on Saturday?")
    page.get_by_role("button", name=t(lang, "Post to the group")).click()
    page.wait_for_url("**/groups/*")
    thread = page.locator(".group-thread").first
    assert "Sourdough on Saturday?" in thread.inner_text()
    thread.get_by_role("button", name=t(lang, "Pin"), exact=True).click()
    page.wait_for_url("**/groups/*")
    assert page.locator("[data-pinned]").count() == 1
    if width == 360:
        assert_fits(page, "/groups/:id")
    page.get_by_role("link", name=t(lang, "Edit the description and rules")).click()
    page.wait_for_url("**/edit")
    if width == 360:
        assert_fits(page, "/groups/:id/edit")
    page.get_by_label(t(lang, "Rules, one on each line")).fill("Be kind\nShare recipes")
    page.get_by_role("button", name=t(lang, "Save"), exact=True).click()
    page.wait_for_url("**/groups/*?updated=1")
    rules = page.locator(".group-rules li").all_inner_texts()
    assert rules == ["Be kind", "Share recipes"]
