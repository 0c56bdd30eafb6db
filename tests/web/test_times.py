"""Times are written the same way everywhere: <time datetime="…Z" data-time="style"
title="absolute, UTC">, the text readable without JavaScript (static/time.js rewrites it in the
browser's time zone and language)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta

from porina.core.clock import iso, now
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


def test_kept_ages_and_dates_are_what_babel_writes() -> None:
    """``i18n._timedelta`` keeps texts by Babel's unit, rounded value and direction, and
    dates by day: over 1 s to 10 years either way, in each language, they equal Babel's."""
    rng = random.Random(3)
    forms: tuple[tuple[i18n.Form, bool], ...] = (("long", True), ("narrow", False))
    for code in i18n.LOCALES:
        i18n.activate(code)
        locale = i18n._parsed(code)
        try:
            for _ in range(3000):
                seconds = int(10 ** rng.uniform(0, 8.5)) * rng.choice((1, -1))
                delta = timedelta(seconds=seconds, microseconds=rng.randrange(10**6))
                for form, direction in forms:
                    expected = format_timedelta(
                        delta, threshold=1, format=form, add_direction=direction, locale=locale
                    )
                    assert i18n._timedelta(delta, form, direction) == expected, (delta, form)
                when = now() - delta
                assert i18n.fmt_date(when) == format_date(when, "medium", locale=locale)
                if delta >= timedelta(days=7):
                    pattern = "MMMd" if when.year == now().year else "yMMMd"
                    expected = format_skeleton(pattern, when, locale=locale)
                    assert i18n.fmt_ago_short(when) == expected
        finally:
            i18n.activate(i18n.DEFAULT)


def test_a_moments_text_is_what_babel_writes() -> None:
    """``fmt_datetime`` joins kept time-of-day and date texts in Babel's pattern: equal to
    ``format_datetime`` for every standard form and language (with and without fractions of
    a second, naive values read as UTC)."""
    rng = random.Random(5)
    for code in i18n.LOCALES:
        i18n.activate(code)
        locale = i18n._parsed(code)
        try:
            for _ in range(2000):
                when = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(
                    seconds=rng.randrange(40 * 365 * 86400), microseconds=rng.randrange(10**6)
                )
                for form in i18n.STANDARD:
                    expected = format_datetime(when, form, locale=locale)
                    assert i18n.fmt_datetime(when, form) == expected, (when, form)
                    naive = when.replace(tzinfo=None)
                    assert i18n.fmt_datetime(naive, form) == expected
                    assert i18n.fmt_datetime(iso(when), form) == expected
        finally:
            i18n.activate(i18n.DEFAULT)
