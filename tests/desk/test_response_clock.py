"""What the team's answers measure: first response, reply and resolution times (Chatwoot's
definitions; desk/response_clock.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from porina.desk.response_clock import Clock, Measure, Step, advance

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(steps: Sequence[Step]) -> list[tuple[str, float, int | None]]:
    clock, measured = Clock(), list[Measure]()
    for step in steps:
        clock, measures = advance(clock, step)
        measured.extend(measures)
    return [(m.kind, m.seconds / 60, m.staff_user_id) for m in measured if m.kind != "opened"]


def opened(steps: Sequence[Step]) -> list[datetime]:
    clock, starts = Clock(), list[datetime]()
    for step in steps:
        clock, measures = advance(clock, step)
        starts.extend(m.started_at for m in measures if m.kind == "opened")
    return starts


def test_first_reply_gives_first_response_and_reply_time_from_the_oldest_waiting_message() -> None:
    steps = [Step("incoming", at(0)), Step("incoming", at(5)), Step("reply", at(30), 7)]
    assert run(steps) == [("first_response", 30, 7), ("reply", 30, 7)]


def test_later_replies_measure_only_how_long_the_person_waited() -> None:
    steps = [
        Step("incoming", at(0)),
        Step("reply", at(10), 7),
        Step("reply", at(12), 7),  # nothing was waiting: no measure
        Step("incoming", at(60)),
        Step("reply", at(75), 8),
        Step("resolved", at(90), 8),
    ]
    assert run(steps) == [
        ("first_response", 10, 7),
        ("reply", 10, 7),
        ("reply", 15, 8),
        ("resolution", 90, 8),
    ]


def test_a_rules_auto_reply_stops_no_clock() -> None:
    steps = [
        Step("incoming", at(0)),
        Step("reply", at(0), by_rule=True),
        Step("resolved", at(1), by_rule=True),
        Step("reply", at(20), 7),
    ]
    assert run(steps) == [("first_response", 20, 7), ("reply", 20, 7)]


def test_a_message_after_resolution_opens_a_new_cycle() -> None:
    steps = [
        Step("incoming", at(0)),
        Step("reply", at(10), 7),
        Step("resolved", at(20), 7),
        Step("incoming", at(100)),
        Step("reply", at(130), 8),
        Step("resolved", at(140), 8),
    ]
    assert run(steps) == [
        ("first_response", 10, 7),
        ("reply", 10, 7),
        ("resolution", 20, 7),
        ("first_response", 30, 8),
        ("reply", 30, 8),
        ("resolution", 40, 8),
    ]


def test_each_cycle_counts_as_one_opened_conversation() -> None:
    steps = [
        Step("incoming", at(0)),
        Step("incoming", at(3)),
        Step("resolved", at(20), 7),
        Step("incoming", at(100)),
    ]
    assert opened(steps) == [at(0), at(100)]


def test_resolving_what_nobody_asked_measures_nothing() -> None:
    assert run([Step("resolved", at(5), 7), Step("reply", at(6), 7)]) == []


steps = st.lists(
    st.builds(
        Step,
        kind=st.sampled_from(["incoming", "reply", "resolved"]),
        at=st.integers(0, 10_000).map(at),
        staff_user_id=st.sampled_from([None, 7, 8]),
        by_rule=st.booleans(),
    ),
    max_size=30,
).map(lambda found: sorted(found, key=lambda step: step.at))


@given(steps)
def test_every_cycle_has_at_most_one_first_response_and_measures_are_never_negative(
    timeline: list[Step],
) -> None:
    measured = run(timeline)
    assert all(minutes >= 0 for _, minutes, _ in measured)
    cycles = sum(1 for kind, _, _ in measured if kind == "resolution")
    firsts = sum(1 for kind, _, _ in measured if kind == "first_response")
    assert firsts <= cycles + 1
    humans = [s for s in timeline if s.kind in ("reply", "resolved") and not s.by_rule]
    assert len(measured) <= 2 * len(humans)
