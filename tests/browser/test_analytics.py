"""The analytics dashboards in a real browser, in English and Finnish, at 1280 and 360 px:
a person posts with hashtags, opens /analytics (picks 7 days with the plain form), then a top
post's page; each page fits a phone's width, shows its charts with their data tables, logs no
console error, and axe finds no serious or critical violation (light and dark)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_axe import RUN_AXE, VENDORED
from tests.browser.test_journey import assert_fits, t
from tests.browser.test_layout import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _axe(page: Any, path: str) -> list[str]:
    page.add_script_tag(url=VENDORED)
    found = page.evaluate(RUN_AXE)
    return [f"{path}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in found]


def _post(page: Any, lang: str, text: str, name: str) -> None:
    page.goto("/compose")
    page.get_by_label(t(lang, "What's on your mind?")).fill(text)
    page.get_by_role("button", name=t(lang, "Publish")).click()
    page.wait_for_url(re.compile(rf".*/@{name}/\d+$"))


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_the_dashboards_in_both_languages_and_widths(new_page: Any, lang: str) -> None:
    name = f"chart{lang}"
    page = new_page(width=1280)
    join(page, lang, name, "Kahvila")
    _post(page, lang, "Lunch is served #lunch #soup", name)
    _post(page, lang, "Coffee all day #coffee", name)
    state = page.context.storage_state()
    problems: list[str] = []
    for width, scheme in ((1280, "light"), (360, "dark")):
        view = new_page(width=width)
        view.context.add_cookies(state["cookies"])
        view.emulate_media(color_scheme=scheme)
        view.goto("/analytics")
        main = view.locator("main")
        assert t(lang, "Analytics") in main.locator("h1").inner_text()
        view.locator('input[name="days"][value="7"]').check()
        view.locator("form.period-picker button[type=submit]").click()
        view.wait_for_url(re.compile(r".*/analytics\?.*days=7"))
        assert view.locator("figure.chart svg[role=img]").count() == 5
        assert view.locator("details.chart-data table").count() == 5
        view.locator("#chart-hashtags details summary").click()
        assert "#lunch" in view.locator("#chart-hashtags table").inner_text()
        assert t(lang, "Best time to post") in main.inner_text()
        if width == 360:
            assert_fits(view, "/analytics")
        problems += _axe(view, f"[{lang} {scheme}] /analytics")
        view.locator(".top-posts a").first.click()
        view.wait_for_url(re.compile(r".*/analytics/statuses/\d+$"))
        assert view.locator("#chart-status svg[role=img]").count() == 1
        assert t(lang, "Since publishing") in view.locator("main").inner_text()
        if width == 360:
            assert_fits(view, "/analytics/statuses/:id")
        problems += _axe(view, f"[{lang} {scheme}] /analytics/statuses/:id")
    assert problems == [], "\n".join(problems)
