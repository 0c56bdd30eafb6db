from __future__ import annotations

from datetime import UTC, datetime, timedelta

from porina.core.ids import id_at, new_id, parse_id


def test_ids_are_unique_and_increase_within_a_process() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_ids_sort_by_time_so_time_pagination_works() -> None:
    earlier = datetime(2025, 1, 1, tzinfo=UTC)
    assert new_id(earlier) < id_at(earlier + timedelta(seconds=1)) <= new_id()


def test_parse_id_refuses_anything_but_a_plain_positive_integer() -> None:
    assert parse_id("42") == 42
    for bad in ("", "-1", "1e3", "abc", "9" * 25, " 1 2"):
        assert parse_id(bad) is None
