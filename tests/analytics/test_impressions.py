"""The impression buffer adds up pages as the dictionary defines impressions and reach."""

from __future__ import annotations

from datetime import timedelta

from porina.analytics.impressions import Buffer, counted
from porina.core.clock import back_dated


def test_pages_add_up_to_impressions_per_hour_and_distinct_readers_per_day() -> None:
    buffer = Buffer()
    author, reader = 1, 2
    buffer.note([(10, author), (11, author)], reader)
    buffer.note([(10, author)], reader)  # the same reader again: an impression, not more reach
    buffer.note([(10, author)], None)  # anonymous: an impression only
    buffer.note([(10, author)], author)  # the author's own read: neither
    with back_dated(timedelta(hours=1)):
        buffer.note([(10, author)], 3)
    buffer.note([], reader)  # nothing local shown: nothing kept
    pages = buffer.take()
    assert len(pages) == 5 and not buffer.take()
    counts, viewers = counted(pages)
    by_status: dict[int, int] = {}
    for (status_id, _author, _hour), n in counts.items():
        by_status[status_id] = by_status.get(status_id, 0) + n
    assert by_status == {10: 4, 11: 1}
    assert len({hour for (_s, _a, hour) in counts}) == 2
    assert sorted((s, v) for (s, _day, v) in viewers) == [(10, 2), (10, 3), (11, 2)]
    assert set(viewers.values()) == {author}
