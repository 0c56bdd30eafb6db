"""The desk in a real browser, in Finnish at 360 px and 1280 px: a staff member acting as the
brand opens the inbox, opens a customer's conversation with the keyboard (j, Enter), takes
it (a), replies and resolves, and leaves an internal note (n)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_journey import assert_fits, t
from tests.browser.test_layout import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_work_a_conversation_in_finnish(new_page: Any, width: int) -> None:
    lang = "fi"
    brand_name, staff_name, customer = f"kahvila{width}", f"aino{width}", f"emma{width}"
    brand = new_page(width=width)
    join(brand, lang, brand_name, "Kahvila")
    staff = new_page(width=width)
    join(staff, lang, staff_name, "Aino")
    emma = new_page(width=width)
    join(emma, lang, customer, "Emma")

    brand.goto("/settings/team")
    brand.get_by_label(t(lang, "Username of the person to add")).fill(staff_name)
    brand.get_by_label(t(lang, "Role"), exact=True).select_option("agent")
    brand.get_by_role("button", name=t(lang, "Add to the team")).click()
    brand.wait_for_url("**/settings/team?done=added")
    staff.goto("/settings/team")
    act = t(lang, "Act as @%(name)s") % {"name": brand_name}
    staff.locator("main").get_by_role("button", name=act).click()
    staff.wait_for_url("**/home")

    emma.goto("/compose")
    emma.get_by_label(t(lang, "What's on your mind?")).fill(f"@{brand_name} onko terassi auki?")
    emma.get_by_role("button", name=t(lang, "Publish")).click()
    emma.wait_for_url(re.compile(rf".*/@{customer}/\d+$"))

    staff.goto("/desk?view=all")
    assert "onko terassi auki?" in staff.locator("#desk-list").inner_text()
    if width == 360:
        assert_fits(staff, "/desk?view=all")
    staff.keyboard.press("j")
    staff.keyboard.press("Enter")
    staff.wait_for_url(re.compile(r".*/desk/conversations/\d+$"))
    assert staff.locator("#desk-conversation").count() == 1

    staff.keyboard.press("a")
    staff.wait_for_url("**?done=assigned")
    assert t(lang, "The conversation is assigned.") in staff.locator("main").inner_text()

    staff.keyboard.press("n")
    assert staff.evaluate("document.activeElement.id") == "desk-note-text"
    staff.keyboard.type("Kysyi samaa viime viikolla")
    staff.get_by_role("button", name=t(lang, "Add note")).click()
    staff.wait_for_url("**?done=noted")
    note = staff.locator('li.desk-item[data-kind="note"]')
    assert t(lang, "Internal note — only the team sees this") in note.inner_text()

    staff.keyboard.press("r")
    assert staff.evaluate("document.activeElement.id") == "desk-reply-text"
    staff.keyboard.type("Kyllä, klo 18 asti!")
    staff.get_by_role("button", name=t(lang, "Send and resolve")).click()
    staff.wait_for_url("**?done=sent")
    sent = staff.locator('li.desk-item[data-kind="sent"]')
    assert "Kyllä, klo 18 asti!" in sent.inner_text()
    assert t(lang, "Resolved") in staff.locator("main").inner_text()

    emma.goto(f"/@{brand_name}")
    assert "Kysyi samaa viime viikolla" not in emma.locator("main").inner_text()
