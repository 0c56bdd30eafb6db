"""axe-core finds no serious or critical accessibility violation on Porina's main pages, in
English and Finnish, light and dark: one person per language with a photo post, a poll and a
reply, then one browser context per language and theme (the same signed-in state) walks the
pages and runs axe in each."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_journey import choose_language, post_photo_and_poll, sign_up, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = (
    Path(__file__).parents[2] / "src/porina/web/static/vendor/axe-core-4.14.1.min.js"
).read_text()  # injected inline (bypass_csp) so a page's own scripts run before it

VENDORED = "/static/vendor/axe-core-4.14.1.min.js"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' +
                    (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""

PAGES = [
    "/",
    "/home",
    "/public/local",
    "/tags/harbour",
    "/search?q=harbour",
    "/explore",
    "/explore/tags",
    "/explore/people",
    "{photo}",
    "{poll}",
    "/@{name}",
    "/notifications",
    "/conversations",
    "/lists",
    "/bookmarks",
    "/settings",
    "/settings/filters",
    "/settings/filters/new",
    "/settings/relations",
    "/settings/tags",
    "/settings/apps",
    "/settings/scheduled",
    "/settings/team",
    "/settings/privacy",
    "/compose",
    "/about",
    "/no-such-page",
]
SIGNED_OUT = ["/auth/sign_in", "/auth/sign_up", "/explore", "/explore/people"]
NEWCOMER = ["/home", "/@{name}"]
"""A new account: its empty home's welcome panel, and another person's profile (account menu)."""


def person_with_posts(page: Any, lang: str, name: str, tmp: Path) -> dict[str, str]:
    """Signs up in ``lang``; a photo post, a poll and a reply to the photo post."""
    choose_language(page, lang)
    sign_up(page, lang, name)
    photo_url, poll_url = post_photo_and_poll(page, lang, tmp)
    page.goto(photo_url)
    page.locator("form.compose textarea[name=status]").first.fill("A reply about the harbour")
    page.locator("form.compose button[type=submit]").first.click()
    page.get_by_text("A reply about the harbour").first.wait_for()
    return {"photo": photo_url, "poll": poll_url, "name": name}


def violations(page: Any, path: str) -> list[str]:
    page.goto(path)
    page.add_script_tag(content=AXE)
    found = page.evaluate(RUN_AXE)
    return [f"{path}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in found]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_main_pages_have_no_serious_axe_violations(
    lang: str, new_page: Any, chromium: Any, server: str, tmp_path: Path
) -> None:
    setup = new_page()
    made = person_with_posts(setup, lang, f"axe{lang}", tmp_path)
    state = setup.context.storage_state()
    fresh = new_page()
    choose_language(fresh, lang)
    sign_up(fresh, lang, f"axe{lang}new")
    newcomer = fresh.context.storage_state()
    paths = [p.format(**made) for p in PAGES]
    problems: list[str] = []
    for scheme in ("light", "dark"):
        walks = (
            (state, paths),
            (newcomer, [p.format(**made) for p in NEWCOMER]),
            (None, SIGNED_OUT),
        )
        for signed_in, walk in walks:
            context = chromium.new_context(
                base_url=server,
                bypass_csp=True,
                color_scheme=scheme,
                storage_state=signed_in,
                locale="fi-FI" if lang == "fi" else "en-US",
            )
            context.set_default_timeout(15_000)
            try:
                page = context.new_page()
                if not signed_in:
                    choose_language(page, lang)
                problems += [
                    f"[{lang} {scheme}] {p}" for path in walk for p in violations(page, path)
                ]
            finally:
                context.close()
    assert t(lang, "Home")  # the catalog for the language loads
    assert problems == [], "\n".join(problems)


def test_axe_sees_a_planted_violation(new_page: Any) -> None:
    """The check itself works: an image button without a name is a critical violation."""
    page = new_page()
    page.goto("/about")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<button><svg width=10 height=10></svg></button>')"
    )
    page.add_script_tag(url=VENDORED)  # same origin: the page's CSP lets it in
    found = page.evaluate(RUN_AXE)
    assert any(v["id"] == "button-name" for v in found)
    assert re.search(r"button", str(found))
