"""The desk, live (issue 16, "Browser tests"), in English and Finnish: two staff members of
one brand in two browser contexts.

Aino watches the inbox while a customer writes: the conversation appears without a reload,
and the keyboard (j, Enter) opens it. Olli opens it too: each sees the other's presence
("… is viewing"). Olli types a reply: Aino sees "Olli is typing a reply" and the soft lock's
warning in her reply form, sends hers anyway (it only warns), and her reply appears on
Olli's page, with what Olli typed untouched. Aino takes the conversation: Olli's status line
says so. Olli leaves: Aino's presence line clears. No page that was watched reloads (a mark
set on ``window`` survives every step).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from porina.web import i18n
from tests.browser.test_journey import t
from tests.browser.test_layout import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def typing_warning(lang: str, name: str) -> str:
    i18n.activate(lang)
    try:
        return i18n.ngettext(
            "%(names)s is typing a reply. You can still send yours, but they may cross.",
            "%(names)s are typing a reply. You can still send yours, but they may cross.",
            1,
        ) % {"names": name}
    finally:
        i18n.activate(i18n.DEFAULT)


def act_as(lang: str, page: Any, brand: str) -> None:
    page.goto("/settings/team")
    page.locator("main").get_by_role(
        "button", name=t(lang, "Act as @%(name)s") % {"name": brand}
    ).click()
    page.wait_for_url("**/home")


def add_agent(lang: str, brand: Any, username: str) -> None:
    brand.goto("/settings/team")
    brand.get_by_label(t(lang, "Username of the person to add")).fill(username)
    brand.get_by_label(t(lang, "Role"), exact=True).select_option("agent")
    brand.get_by_role("button", name=t(lang, "Add to the team")).click()
    brand.wait_for_url("**/settings/team?done=added")


def mark(page: Any, root: str) -> None:
    """A mark a reload would lose, once the page's desk stream is open."""
    page.locator(f"{root}[data-live=open]").wait_for(state="attached")
    page.evaluate("window.__stayed = true")


def stayed(page: Any) -> bool:
    return bool(page.evaluate("window.__stayed === true"))


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_two_staff_see_each_others_presence_typing_replies_and_assignment_live(
    new_page: Any, lang: str
) -> None:
    brand_name, customer = f"live_cafe_{lang}", f"live_emma_{lang}"
    aino_name, olli_name = f"live_aino_{lang}", f"live_olli_{lang}"
    brand = new_page()
    join(brand, lang, brand_name, "Kahvila")
    aino = new_page()
    join(aino, lang, aino_name, "Aino")
    olli = new_page()
    join(olli, lang, olli_name, "Olli")
    emma = new_page()
    join(emma, lang, customer, "Emma")
    for name in (aino_name, olli_name):
        add_agent(lang, brand, name)
    act_as(lang, aino, brand_name)
    act_as(lang, olli, brand_name)

    # a new conversation appears in Aino's inbox by itself; the keyboard opens it
    aino.goto("/desk?view=all")
    mark(aino, "#desk-inbox")
    emma.goto("/compose")
    emma.get_by_label(t(lang, "What's on your mind?")).fill(f"@{brand_name} is the terrace open?")
    emma.get_by_role("button", name=t(lang, "Publish")).click()
    emma.wait_for_url(re.compile(rf".*/@{customer}/\d+$"))
    expect(aino.locator("#desk-list li.desk-row")).to_have_count(1)
    expect(aino.locator("#desk-list")).to_contain_text("is the terrace open?")
    assert stayed(aino), "Aino's inbox reloaded"
    aino.keyboard.press("j")
    aino.keyboard.press("Enter")
    aino.wait_for_url(re.compile(r".*/desk/conversations/\d+$"))
    path = aino.url.split("://", 1)[1].split("/", 1)[1]
    mark(aino, "#desk-conversation")

    # each sees the other
    olli.goto("/" + path)
    mark(olli, "#desk-conversation")
    viewing = t(lang, "%(name)s is viewing")
    expect(aino.locator("#desk-presence")).to_have_text(viewing % {"name": "Olli"})
    expect(olli.locator("#desk-presence")).to_have_text(viewing % {"name": "Aino"})

    # Olli types: Aino is warned, and can still send
    olli.locator("#desk-reply-text").click()
    olli.keyboard.type("Hei Emma, ")
    typing = t(lang, "%(name)s is typing a reply") % {"name": "Olli"}
    expect(aino.locator("#desk-presence")).to_have_text(typing)
    warning = aino.locator("#desk-typing-warning")
    expect(warning).to_be_visible()
    expect(warning).to_have_text(typing_warning(lang, "Olli"))
    expect(olli.locator("#desk-typing-warning")).to_be_hidden()
    aino.keyboard.press("r")
    aino.keyboard.type("Yes, until 18!")
    aino.get_by_role("button", name=t(lang, "Send"), exact=True).click()
    aino.wait_for_url("**?done=sent")
    mark(aino, "#desk-conversation")
    sent = olli.locator('#desk-items li.desk-item[data-kind="sent"]')
    expect(sent).to_contain_text("Yes, until 18!")
    expect(olli.locator("#desk-reply-text")).to_have_value("Hei Emma, ")
    assert stayed(olli), "Olli's page reloaded"

    # Aino takes it (the keyboard's "a"): Olli's status line follows
    aino.keyboard.press("a")
    aino.wait_for_url("**?done=assigned")
    assigned = t(lang, "Assigned to %(name)s") % {"name": "Aino"}
    expect(olli.locator("#desk-meta")).to_contain_text(assigned)
    assert stayed(olli), "Olli's page reloaded"

    # Olli stops typing, then leaves: Aino's presence line follows, then clears
    expect(aino.locator("#desk-presence")).to_have_text(viewing % {"name": "Olli"}, timeout=20_000)
    expect(aino.locator("#desk-typing-warning")).to_be_hidden()
    mark(aino, "#desk-conversation")
    olli.goto("/desk")
    expect(aino.locator("#desk-presence")).to_have_text("")
    assert stayed(aino), "Aino's page reloaded"
