"""Times are written the same way everywhere: <time datetime="…Z" data-time="style"
title="absolute, UTC">, the text readable without JavaScript (static/time.js rewrites it in the
browser's time zone and language)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from porina.web import i18n
from porina.web.templating import time_tag
from tests.factories import Factory
from tests.web.conftest import Browser


def test_a_time_tag_carries_the_moment_the_style_and_the_absolute_time() -> None:
    moment = datetime(2026, 3, 1, 9, 5, tzinfo=UTC)
    html = str(time_tag(moment, "datetime", "when"))
    assert html.startswith('<time class="when" datetime="2026-03-01T09:05:00.000Z"')
    assert 'data-time="datetime"' in html
    assert 'title="March 1, 2026, 9:05:00\u202fAM UTC"' in html
    i18n.activate("fi")
    try:
        assert "1. maaliskuuta 2026 9.05.00 UTC" in str(time_tag(moment, "long"))
    finally:
        i18n.activate(i18n.DEFAULT)
    assert str(time_tag(None)) == ""


def test_relative_text_turns_into_a_date_after_a_week() -> None:
    recent = datetime.now(UTC) - timedelta(minutes=5)
    assert ">5 minutes ago</time>" in str(time_tag(recent, "ago"))
    assert ">5m</time>" in str(time_tag(recent, "short"))
    old = datetime(2020, 3, 1, 9, 5, tzinfo=UTC)
    assert ">Mar 1, 2020</time>" in str(time_tag(old, "ago"))


async def test_a_post_page_shows_its_times_as_time_tags(browser: Browser, make: Factory) -> None:
    alice = await make.person("alice")
    post = await alice.status("Times everywhere")
    page = await browser.get(f"/@alice/{post['id']}")
    assert page.status_code == 200
    stamp = re.escape(post["created_at"])
    assert re.search(rf'<time datetime="{stamp}" data-time="short" title="[^"]+ UTC">', page.text)
    assert re.search(rf'<time datetime="{stamp}" data-time="long" title="[^"]+ UTC">', page.text)
    assert '<script src="/static/time.js" defer></script>' in page.text
