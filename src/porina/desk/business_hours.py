"""Business hours: how much of a span of time a brand's desk was open, and when an SLA falls
due counting only open time (issue 16, point 5).

A ``Schedule`` is the brand's time zone, its opening intervals per weekday (minutes from local
midnight, ``[open, close)``, 24:00 allowed as 1440) and its holidays (local dates when it is
closed all day). Intervals are wall-clock times: on the night the clocks go forward an interval
08:00-16:00 is still eight hours, and one spanning 02:00-04:00 is one hour. Every computation
is in UTC after the local interval is placed, so daylight-saving changes are counted right.

Response metrics (Chatwoot's and Sprout Social's "business hours" figures) use
``open_seconds(start, end)``; an SLA target of N business minutes falls due at
``add_open_time(start, N * 60)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from porina.core.i18n import N_

DAY_MINUTES = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Interval = tuple[int, int]


class ScheduleError(ValueError):
    """A schedule that cannot be used: an interval out of order or outside the day, overlapping
    intervals, or no open time at all. ``template`` (marked ``N_``) and ``values`` let a page
    say it in the reader's language (``core.errors.PorinaError.filled``)."""

    def __init__(self, template: str, /, **values: object) -> None:
        super().__init__(template % values)
        self.template = template
        self.values = values


@dataclass(frozen=True, slots=True)
class Schedule:
    zone: ZoneInfo
    weekly: tuple[tuple[Interval, ...], ...]  # seven entries, Monday first
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.weekly) != len(WEEKDAYS):
            raise ScheduleError(N_("a schedule has one entry per weekday, Monday first"))
        for day in self.weekly:
            _check_day(day)
        if not any(self.weekly):
            raise ScheduleError(N_("a schedule needs some open time in the week"))


def _check_day(intervals: Sequence[Interval]) -> None:
    previous_close = 0
    for opens, closes in intervals:
        if not 0 <= opens < closes <= DAY_MINUTES:
            raise ScheduleError(
                N_("an interval must open before it closes, within the day: %(opens)s-%(closes)s"),
                opens=opens,
                closes=closes,
            )
        if opens < previous_close:
            raise ScheduleError(N_("a day's intervals must be in order and not overlap"))
        previous_close = closes


def schedule(
    zone: str, weekly: Mapping[str, Sequence[Interval]], holidays: Sequence[date] = ()
) -> Schedule:
    """A schedule from a time zone name and ``{"mon": [(480, 960)], ...}`` (missing days are
    closed)."""
    unknown = set(weekly) - set(WEEKDAYS)
    if unknown:
        raise ScheduleError(N_("unknown weekday %(day)r"), day=sorted(unknown)[0])
    days = tuple(tuple(sorted(weekly.get(day, ()))) for day in WEEKDAYS)
    return Schedule(ZoneInfo(zone), days, frozenset(holidays))


ALWAYS_OPEN = Schedule(ZoneInfo("UTC"), tuple(((0, DAY_MINUTES),) for _ in WEEKDAYS))


def _at(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock minute of ``day`` (1440 is the next midnight)."""
    if minute == DAY_MINUTES:
        day, minute = day + timedelta(days=1), 0
    hours, minutes = divmod(minute, 60)
    return datetime.combine(day, time(hours, minutes), tzinfo=zone).astimezone(UTC)


def _open_spans(plan: Schedule, first: date) -> Iterator[tuple[datetime, datetime]]:
    """The schedule's open spans in UTC, in order, from local day ``first`` on (endless)."""
    day = first
    while True:
        if day not in plan.holidays:
            for opens, closes in plan.weekly[day.weekday()]:
                yield _at(day, opens, plan.zone), _at(day, closes, plan.zone)
        day += timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business hours need aware datetimes")
    return moment.astimezone(UTC)


def open_seconds(plan: Schedule, start: datetime, end: datetime) -> float:
    """Seconds between ``start`` and ``end`` that fall in open hours (0 if end ≤ start)."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0.0
    total = 0.0
    first = start.astimezone(plan.zone).date() - timedelta(days=1)
    for opens, closes in _open_spans(plan, first):
        if opens >= end:
            break
        overlap = (min(closes, end) - max(opens, start)).total_seconds()
        total += max(0.0, overlap)
    return total


def add_open_time(plan: Schedule, start: datetime, seconds: float) -> datetime:
    """The instant when ``seconds`` of open time have passed since ``start``: always inside an
    open span or at its close (for 0 seconds: ``start`` when open, else the next opening)."""
    start = _utc(start)
    left = max(0.0, seconds)
    first = start.astimezone(plan.zone).date() - timedelta(days=1)
    for opens, closes in _open_spans(plan, first):
        if closes <= start:
            continue
        begin = max(opens, start)
        span = (closes - begin).total_seconds()
        if left <= span:
            return begin + timedelta(seconds=left)
        left -= span
    raise AssertionError("unreachable: a schedule always opens again")  # pragma: no cover
