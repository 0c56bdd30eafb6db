"""Response metrics (issue 16, point 5): the desk's events move each conversation's response
clock (``desk.response_clock``), in the transaction of the action, and every measure it yields
is stored with its calendar and business-hours seconds (``desk_measures``). Reports read the
rows of a period: median and 90th percentile of first response, reply and resolution times,
conversations opened and resolved, overall and per staff member.

A step taken without a person at the keyboard (no ``actor.user_id``: an automation, later the
desk's rules) is not the team's answer and measures nothing.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.ids import new_id
from porina.desk import business_hours
from porina.desk.business_hours import ALWAYS_OPEN, Schedule
from porina.desk.events import DeskItemAdded, DeskStatusChanged
from porina.desk.metrics_models import DeskBusinessHours, DeskClock, DeskMeasure
from porina.desk.response_clock import Clock, Measure, Step, advance
from porina.jobs.events import subscribe
from porina.storage.db import Tx

MESSAGES = frozenset({"mention", "reply", "quote", "direct"})
"""Item kinds that wait for an answer (light items and the team's own outreach do not)."""
KINDS = ("first_response", "reply", "resolution")


def schedule_of(row: DeskBusinessHours | None) -> Schedule:
    """A brand's schedule; without one every hour is a business hour."""
    if row is None:
        return ALWAYS_OPEN
    weekly = {day: [(int(a), int(b)) for a, b in spans] for day, spans in row.weekly.items()}
    holidays = [date.fromisoformat(day) for day in row.holidays]
    return business_hours.schedule(row.time_zone, weekly, holidays)


async def brand_schedule(session: AsyncSession, brand_id: int) -> Schedule:
    return schedule_of(await session.get(DeskBusinessHours, brand_id))


async def _clock(tx: Tx, conversation_id: int) -> DeskClock:
    row = await tx.session.get(DeskClock, conversation_id)
    if row is None:
        row = DeskClock(conversation_id=conversation_id, answered=False)
        tx.session.add(row)
    return row


async def _store(tx: Tx, brand_id: int, conversation_id: int, measures: Sequence[Measure]) -> None:
    if not measures:
        return
    plan = await brand_schedule(tx.session, brand_id)
    for measure in measures:
        business = business_hours.open_seconds(plan, measure.started_at, measure.ended_at)
        tx.session.add(
            DeskMeasure(
                id=new_id(),
                brand_account_id=brand_id,
                conversation_id=conversation_id,
                kind=measure.kind,
                staff_user_id=measure.staff_user_id,
                started_at=measure.started_at,
                ended_at=measure.ended_at,
                seconds=measure.seconds,
                business_seconds=business,
            )
        )


async def record(tx: Tx, brand_id: int, conversation_id: int, step: Step) -> list[Measure]:
    """Move the conversation's clock by ``step``; store and return what it measured."""
    row = await _clock(tx, conversation_id)
    before = Clock(row.opened_at, row.waiting_since, row.answered)
    after, measures = advance(before, step)
    row.opened_at, row.waiting_since, row.answered = (
        after.opened_at,
        after.waiting_since,
        after.answered,
    )
    await _store(tx, brand_id, conversation_id, measures)
    return measures


def _staff(event: DeskItemAdded | DeskStatusChanged) -> tuple[int | None, bool]:
    """Who took the step, and whether it was automatic (no person at the keyboard)."""
    user_id = event.actor.user_id if event.actor is not None else None
    return user_id, user_id is None


@subscribe(DeskItemAdded, when=lambda e: e.kind in MESSAGES or e.kind == "sent")
async def item_added(tx: Tx, event: DeskItemAdded) -> None:
    if event.kind in MESSAGES:
        step = Step("incoming", now())
    else:
        user_id, automatic = _staff(event)
        step = Step("reply", now(), user_id, by_rule=automatic)
    await record(tx, event.brand_account_id, event.conversation_id, step)


@subscribe(DeskStatusChanged, when=lambda e: e.status == "resolved")
async def resolved(tx: Tx, event: DeskStatusChanged) -> None:
    user_id, automatic = _staff(event)
    step = Step("resolved", now(), user_id, by_rule=automatic)
    await record(tx, event.brand_account_id, event.conversation_id, step)


# --- reports -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """Median and 90th percentile seconds of one kind of measure, and how many there were."""

    count: int
    median: float | None
    p90: float | None
    business_median: float | None
    business_p90: float | None


@dataclass(frozen=True, slots=True)
class Report:
    opened: int
    resolved: int
    figures: dict[str, Figures]  # by kind
    per_staff: dict[int, dict[str, Figures]]  # staff user id -> kind -> figures


def _percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (the value a share of the measures are at or under)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def _figures(rows: Sequence[tuple[float, float]]) -> Figures:
    calendar = [r[0] for r in rows]
    business = [r[1] for r in rows]
    return Figures(
        count=len(rows),
        median=statistics.median(calendar) if calendar else None,
        p90=_percentile(calendar, 0.9),
        business_median=statistics.median(business) if business else None,
        business_p90=_percentile(business, 0.9),
    )


def _summarise(rows: Iterable[tuple[str, int | None, float, float]]) -> Report:
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_staff: dict[int, dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for kind, staff, seconds, business in rows:
        by_kind[kind].append((seconds, business))
        if staff is not None and kind in KINDS:
            by_staff[staff][kind].append((seconds, business))
    figures = {kind: _figures(by_kind.get(kind, [])) for kind in KINDS}
    per_staff = {
        staff: {kind: _figures(kinds.get(kind, [])) for kind in KINDS}
        for staff, kinds in by_staff.items()
    }
    return Report(len(by_kind.get("opened", [])), figures["resolution"].count, figures, per_staff)


async def report(session: AsyncSession, brand_id: int, start: datetime, end: datetime) -> Report:
    """The brand's measures that ended in ``[start, end)``."""
    rows = await session.execute(
        select(
            DeskMeasure.kind,
            DeskMeasure.staff_user_id,
            DeskMeasure.seconds,
            DeskMeasure.business_seconds,
        ).where(
            DeskMeasure.brand_account_id == brand_id,
            DeskMeasure.ended_at >= start,
            DeskMeasure.ended_at < end,
        )
    )
    return _summarise((r[0], r[1], float(r[2]), float(r[3])) for r in rows)
