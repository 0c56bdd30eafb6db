"""The content calendar in a real browser (issue 19), in English and Finnish: a draft written
on the editor shows on the month view on its day with its state; dragging it to another day
(static/calendar.js) reschedules it — the page comes back with the post on the new day, and
the editor shows the new date at the same time of day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser.test_axe import violations
from tests.browser.test_journey import t
from tests.browser.test_layout import join

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_month_view_shows_a_draft_and_dragging_moves_it(new_page: Any, lang: str) -> None:
    page = new_page(width=1280)
    join(page, lang, f"kalenteri{lang}", "Kalenteri")
    day = datetime.now(UTC).date() + timedelta(days=1)
    target = day + timedelta(days=2)

    page.goto(f"/calendar/drafts/new?day={day}")
    page.get_by_label(t(lang, "Text"), exact=True).fill("Saturday market stall")
    page.get_by_label(t(lang, "Publish at (%(zone)s)") % {"zone": "UTC"}).fill(f"{day}T11:15")
    page.get_by_role("button", name=t(lang, "Save draft")).click()
    page.wait_for_url("**/calendar/drafts/*?done=created")
    draft_url = page.url.split("?")[0]

    page.goto(f"/calendar?view=month&day={day}")
    start = page.locator(f'td[data-date="{day}"] .calendar-entry')
    assert "Saturday market stall" in start.inner_text()
    assert t(lang, "Draft") in start.inner_text()
    assert "11:15" in start.inner_text()

    start.drag_to(page.locator(f'td[data-date="{target}"]'))
    page.wait_for_url("**done=reschedule")
    assert t(lang, "The post is moved.") in page.locator("p.notice[role=status]").inner_text()
    moved = page.locator(f'td[data-date="{target}"] .calendar-entry')
    assert "Saturday market stall" in moved.inner_text()
    assert page.locator(f'td[data-date="{day}"] .calendar-entry').count() == 0

    page.goto(draft_url)
    assert page.locator("#draft-when").input_value() == f"{target}T11:15"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_calendar_pages_have_no_serious_axe_violations(
    new_page: Any, chromium: Any, server: str, scheme: str
) -> None:
    setup = new_page(width=1280)
    join(setup, "en", f"kalenteriaxe{scheme}", "Kalenteri")
    day = datetime.now(UTC).date() + timedelta(days=1)
    setup.goto(f"/calendar/drafts/new?day={day}")
    setup.get_by_label("Text", exact=True).fill("Axe checks this")
    setup.get_by_label("Publish at (UTC)").fill(f"{day}T08:30")
    setup.get_by_role("button", name="Save draft").click()
    setup.wait_for_url("**/calendar/drafts/*?done=created")
    editor = setup.url.split("?")[0].replace(server, "")
    context = chromium.new_context(
        base_url=server,
        bypass_csp=True,
        color_scheme=scheme,
        storage_state=setup.context.storage_state(),
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        paths = [f"/calendar?day={day}", f"/calendar?view=week&day={day}", editor]
        problems = [p for path in [*paths, "/calendar/drafts/new"] for p in violations(page, path)]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
