"""Timestamps in Mastodon's form (``2026-11-23T06:45:00.000Z``), whatever the datetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from porina.core.clock import iso


def test_timestamps_are_utc_with_milliseconds_and_a_z() -> None:
    assert iso(None) is None
    assert iso(datetime(2026, 11, 23, 6, 45, tzinfo=UTC)) == "2026-11-23T06:45:00.000Z"
    assert iso(datetime(2026, 11, 23, 6, 45)) == "2026-11-23T06:45:00.000Z"  # naive: UTC
    # milliseconds cut, not rounded (the next second would be another time)
    assert iso(datetime(2026, 12, 31, 23, 59, 59, 999999, UTC)) == "2026-12-31T23:59:59.999Z"
    helsinki = timezone(timedelta(hours=2))
    assert iso(datetime(2026, 1, 1, 1, 30, 0, 5000, helsinki)) == "2025-12-31T23:30:00.005Z"
    assert iso(datetime(2026, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(0)))) == (
        "2026-05-06T07:08:09.000Z"
    )
