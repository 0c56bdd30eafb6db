"""Acting as a brand in a real browser (issue 16, item 1): the brand adds a staff member as a
manager on its team page; the staff member, signed in as themselves, switches to the brand
on /settings/team, sees the banner, posts, and the post is the brand's. At 360 px and
1280 px, in English and Finnish."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_journey import assert_fits, t
from tests.browser.test_layout import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(("lang", "width"), [("en", 360), ("fi", 360), ("en", 1280), ("fi", 1280)])
def test_staff_switch_to_the_brand_and_post_as_it(new_page: Any, lang: str, width: int) -> None:
    brand_name, staff_name = f"kahvila{lang}{width}", f"aino{lang}{width}"
    brand = new_page(width=width)
    join(brand, lang, brand_name, "Kahvila")
    staff = new_page(width=width)
    join(staff, lang, staff_name, "Aino")

    brand.goto("/settings/team")
    brand.get_by_label(t(lang, "Username of the person to add")).fill(staff_name)
    brand.get_by_label(t(lang, "Role"), exact=True).select_option("manager")
    brand.get_by_role("button", name=t(lang, "Add to the team")).click()
    brand.wait_for_url("**/settings/team?done=added")

    staff.goto("/settings/team")
    act = t(lang, "Act as @%(name)s") % {"name": brand_name}
    staff.locator("main").get_by_role("button", name=act).click()
    staff.wait_for_url("**/home")
    banner = t(lang, "You are acting as @%(name)s (%(role)s)") % {
        "name": brand_name,
        "role": t(lang, "Manager"),
    }
    assert banner in " ".join(staff.locator(".acting-banner").inner_text().split())
    if width == 360:
        assert_fits(staff, "/home")

    staff.goto("/compose")
    staff.get_by_label(t(lang, "What's on your mind?")).fill("Fresh cinnamon buns at noon")
    staff.get_by_role("button", name=t(lang, "Publish")).click()
    staff.wait_for_url(re.compile(rf".*/@{brand_name}/\d+$"))
    assert "Fresh cinnamon buns at noon" in staff.locator("main").inner_text()

    back = t(lang, "Back to @%(name)s") % {"name": staff_name}
    staff.locator("main").get_by_role("button", name=back).click()
    staff.wait_for_url("**/home")
    assert staff.locator(".acting-banner").count() == 0
