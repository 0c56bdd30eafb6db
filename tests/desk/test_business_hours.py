"""Business hours: open time between two instants and SLA due times (desk/business_hours.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porina.desk.business_hours import (
    ALWAYS_OPEN,
    ScheduleError,
    add_open_time,
    open_seconds,
    schedule,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
WEEKDAYS_8_16 = {day: [(8 * 60, 16 * 60)] for day in ("mon", "tue", "wed", "thu", "fri")}
CAFE = schedule(
    "Europe/Helsinki",
    {**WEEKDAYS_8_16, "sat": [(10 * 60, 14 * 60)]},
    holidays=[date(2026, 12, 24), date(2026, 12, 25)],
)


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


def test_a_question_asked_after_closing_waits_for_the_morning() -> None:
    friday_evening = local(2026, 12, 4, 18, 0)
    monday_9 = local(2026, 12, 7, 9, 0)
    # Saturday 10-14 counts, Sunday is closed, Monday 8-9 counts: 5 hours.
    assert open_seconds(CAFE, friday_evening, monday_9) == 5 * 3600
    assert add_open_time(CAFE, friday_evening, 3600) == local(2026, 12, 5, 11, 0)


def test_holidays_are_closed_all_day() -> None:
    wednesday_23rd_15 = local(2026, 12, 23, 15, 0)
    assert add_open_time(CAFE, wednesday_23rd_15, 2 * 3600) == local(2026, 12, 26, 11, 0)


def test_the_night_the_clocks_go_forward_counts_real_time() -> None:
    # Helsinki moves from 03:00 to 04:00 on Sunday 29 March 2026.
    night = schedule("Europe/Helsinki", {"sun": [(120, 300)]})  # 02:00-05:00 wall clock
    start = local(2026, 3, 29, 0, 0)
    assert open_seconds(night, start, start + timedelta(days=1)) == 2 * 3600


def test_always_open_is_calendar_time() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert open_seconds(ALWAYS_OPEN, start, start + timedelta(days=3, hours=5)) == (
        (3 * 24 + 5) * 3600
    )


@pytest.mark.parametrize(
    "weekly",
    [
        {"mon": [(600, 500)]},
        {"mon": [(0, 2000)]},
        {"mon": [(0, 600), (500, 700)]},
        {},
        {"someday": [(0, 60)]},
    ],
)
def test_an_impossible_schedule_is_refused(weekly: dict[str, list[tuple[int, int]]]) -> None:
    with pytest.raises(ScheduleError):
        schedule("Europe/Helsinki", weekly)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(start=moments, hours=st.floats(min_value=0, max_value=200))
def test_the_due_time_is_exactly_that_much_open_time_later(start: datetime, hours: float) -> None:
    due = add_open_time(CAFE, start, hours * 3600)
    assert due >= start
    assert open_seconds(CAFE, start, due) == pytest.approx(hours * 3600, abs=1e-3)


@settings(max_examples=150, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_open_time_adds_up_and_never_exceeds_calendar_time(
    a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    whole = open_seconds(CAFE, first, last)
    assert whole == pytest.approx(
        open_seconds(CAFE, first, middle) + open_seconds(CAFE, middle, last), abs=1e-3
    )
    assert whole <= (last - first).total_seconds()
