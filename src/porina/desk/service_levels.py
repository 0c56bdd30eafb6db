"""A brand's service levels (issue 16, point 5): its business hours, its SLA targets per
priority, who may read and change them, and each conversation's SLA state for the inbox.

- Business hours: a time zone, opening intervals per weekday as ``"HH:MM"`` pairs (``"24:00"``
  closes at midnight) and holidays (ISO dates). Without them every hour counts.
- SLA targets: per priority (``low``, ``medium``, ``high``, ``urgent``, and ``none`` for a
  conversation without one) a first-response and a resolution target in seconds, counted in
  business hours or calendar time.
- A conversation's SLA: while its first response is owed, due at the first-response target
  after it opened; after that, due at the resolution target after it opened; nothing once
  resolved. ``breached`` when that moment has passed; ``warning`` before that, once the
  target's ``warning_percent`` (75 by default) has elapsed, counted the same way.

Owners and managers (and the names before the roles' rename: admin, editor) change them;
everyone on the team reads them and the metrics (an analyst too); anyone else gets a 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound
from porina.core.i18n import N_
from porina.desk import access, business_hours
from porina.desk.business_hours import WEEKDAYS, ScheduleError
from porina.desk.errors import InvalidDeskRequest
from porina.desk.events import DeskBusinessHoursSet, DeskSlaTargetsSet
from porina.desk.metrics import schedule_of
from porina.desk.metrics_models import DeskBusinessHours, DeskClock, DeskSlaTarget
from porina.desk.models import PRIORITIES
from porina.jobs.events import emit
from porina.storage.db import Tx

MANAGERS = frozenset({"owner", "manager", "admin", "editor"})
TEAM = access.WORKERS | access.READERS
SLA_PRIORITIES = (*PRIORITIES, "none")
NOT_MANAGER = "Only the brand's owners and managers can change its service levels"
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
MAX_HOLIDAYS = 400
MAX_TARGET = 366 * 24 * 3600
DEFAULT_WARNING = 75
"""Per cent of a target elapsed after which a conversation shows a warning, by default."""


async def member(session: AsyncSession, actor: Actor) -> str:
    """The caller's role on the brand it acts as; 404 for anyone not on its team."""
    role = await access.role(session, actor)
    if role not in TEAM:
        raise NotFound()
    return str(role)


async def manager(session: AsyncSession, actor: Actor) -> None:
    if await member(session, actor) not in MANAGERS:
        raise Forbidden(NOT_MANAGER)


# --- business hours ------------------------------------------------------------------------


def _minute(text: object) -> int:
    match = _CLOCK.match(str(text))
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise InvalidDeskRequest.filled(
            N_("Validation failed: %(value)r is not a time of day (HH:MM)"), value=text
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def _clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _weekly(raw: object) -> dict[str, list[list[int]]]:
    if not isinstance(raw, Mapping):
        raise InvalidDeskRequest("Validation failed: weekly maps weekdays (mon…sun) to intervals")
    weekly: dict[str, list[list[int]]] = {}
    for day, spans in raw.items():
        if day not in WEEKDAYS or not isinstance(spans, Sequence) or isinstance(spans, str):
            raise InvalidDeskRequest.filled(
                N_("Validation failed: %(value)r is not a weekday (mon…sun)"), value=day
            )
        weekly[day] = [[_minute(pair[0]), _minute(pair[1])] for pair in map(_pair, spans)]
    return weekly


def _pair(span: object) -> Sequence[object]:
    if not isinstance(span, Sequence) or isinstance(span, str) or len(span) != 2:
        raise InvalidDeskRequest('Validation failed: an interval is ["HH:MM", "HH:MM"]')
    return span


def _holidays(raw: object) -> list[str]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or len(raw) > MAX_HOLIDAYS:
        raise InvalidDeskRequest(f"Validation failed: holidays are up to {MAX_HOLIDAYS} dates")
    try:
        return sorted({date.fromisoformat(str(day)).isoformat() for day in raw})
    except ValueError as error:
        raise InvalidDeskRequest("Validation failed: a holiday is a date (YYYY-MM-DD)") from error


def _zone(name: object) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidDeskRequest.filled(
            N_("Validation failed: %(value)r is not a time zone"), value=name
        ) from error
    return str(name)


@dataclass(frozen=True, slots=True)
class Hours:
    time_zone: str
    weekly: dict[str, list[list[str]]]
    holidays: list[str]


def hours_of(row: DeskBusinessHours | None) -> Hours | None:
    if row is None:
        return None
    weekly = {
        day: [[_clock_text(a), _clock_text(b)] for a, b in row.weekly.get(day, [])]
        for day in WEEKDAYS
    }
    return Hours(row.time_zone, weekly, list(row.holidays))


async def set_business_hours(tx: Tx, actor: Actor, body: Mapping[str, Any]) -> Hours:
    """Replace the brand's business hours (``time_zone``, ``weekly``, ``holidays``)."""
    await manager(tx.session, actor)
    zone, weekly = _zone(body.get("time_zone")), _weekly(body.get("weekly"))
    holidays = _holidays(body.get("holidays", []))
    spans = {day: [(a, b) for a, b in pairs] for day, pairs in weekly.items()}
    try:
        business_hours.schedule(zone, spans, [date.fromisoformat(d) for d in holidays])
    except ScheduleError as error:
        refusal = InvalidDeskRequest(f"Validation failed: {error}")
        refusal.template, refusal.values = error.template, error.values
        raise refusal from error
    row = await tx.session.get(DeskBusinessHours, actor.account_id)
    if row is None:
        row = DeskBusinessHours(brand_account_id=actor.account_id)
        tx.session.add(row)
    row.time_zone, row.weekly, row.holidays, row.updated_at = zone, weekly, holidays, now()
    await emit(
        tx, DeskBusinessHoursSet(actor=actor, brand_account_id=actor.account_id, time_zone=zone)
    )
    hours = hours_of(row)
    assert hours is not None
    return hours


async def clear_business_hours(tx: Tx, actor: Actor) -> None:
    """Every hour counts again."""
    await manager(tx.session, actor)
    await tx.session.execute(
        delete(DeskBusinessHours).where(DeskBusinessHours.brand_account_id == actor.account_id)
    )
    await emit(
        tx, DeskBusinessHoursSet(actor=actor, brand_account_id=actor.account_id, time_zone="")
    )


# --- SLA targets ---------------------------------------------------------------------------


def _seconds(raw: object, name: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise InvalidDeskRequest.filled(
            N_("Validation failed: %(field)s is a number of seconds"), field=name
        )
    value = int(raw)
    if not 60 <= value <= MAX_TARGET:
        raise InvalidDeskRequest.filled(
            N_("Validation failed: %(field)s is between 60 s and 366 days"), field=name
        )
    return value


def _percent(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise InvalidDeskRequest("Validation failed: warning_percent is a whole number")
    value = int(raw)
    if not 1 <= value <= 99:
        raise InvalidDeskRequest("Validation failed: warning_percent is between 1 and 99")
    return value


def _target(brand_id: int, raw: object) -> DeskSlaTarget:
    if not isinstance(raw, Mapping) or raw.get("priority") not in SLA_PRIORITIES:
        choices = ", ".join(SLA_PRIORITIES)
        raise InvalidDeskRequest(f"Validation failed: each target names a priority ({choices})")
    return DeskSlaTarget(
        brand_account_id=brand_id,
        priority=str(raw["priority"]),
        first_response_seconds=_seconds(
            raw.get("first_response_seconds"), "first_response_seconds"
        ),
        resolution_seconds=_seconds(raw.get("resolution_seconds"), "resolution_seconds"),
        business_hours=raw.get("business_hours", True) not in (False, "false", "0", 0),
        warning_percent=_percent(raw.get("warning_percent", DEFAULT_WARNING)),
    )


async def targets(session: AsyncSession, brand_id: int) -> list[DeskSlaTarget]:
    rows = await session.scalars(
        select(DeskSlaTarget).where(DeskSlaTarget.brand_account_id == brand_id)
    )
    order = {p: i for i, p in enumerate(SLA_PRIORITIES)}
    return sorted(rows, key=lambda t: order.get(t.priority, len(order)))


async def set_targets(tx: Tx, actor: Actor, raw: object) -> list[DeskSlaTarget]:
    """Replace the brand's SLA targets with ``raw`` (a list, one entry per priority)."""
    await manager(tx.session, actor)
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InvalidDeskRequest("Validation failed: targets is a list")
    new = [_target(actor.account_id, entry) for entry in raw]
    if len({t.priority for t in new}) != len(new):
        raise InvalidDeskRequest("Validation failed: one target per priority")
    brand = actor.account_id
    await tx.session.execute(delete(DeskSlaTarget).where(DeskSlaTarget.brand_account_id == brand))
    tx.session.add_all(new)
    priorities = tuple(t.priority for t in new)
    await emit(tx, DeskSlaTargetsSet(actor=actor, brand_account_id=brand, priorities=priorities))
    return await targets(tx.session, brand)


# --- a conversation's SLA ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sla:
    due_at: datetime | None
    breached: bool
    warning: bool = False
    """The target's ``warning_percent`` has elapsed (and it is not breached yet)."""


NO_SLA = Sla(None, False)


def _after(
    clock: DeskClock, target: DeskSlaTarget, plan: business_hours.Schedule, share: float
) -> datetime | None:
    """When ``share`` of the target owed now has elapsed since the conversation opened,
    counted in business hours when the target says so."""
    if clock.opened_at is None:
        return None
    seconds = target.resolution_seconds if clock.answered else target.first_response_seconds
    if seconds is None:
        return None
    if not target.business_hours:
        return clock.opened_at + timedelta(seconds=seconds * share)
    return business_hours.add_open_time(plan, clock.opened_at, seconds * share)


def _due(clock: DeskClock, target: DeskSlaTarget, plan: business_hours.Schedule) -> datetime | None:
    return _after(clock, target, plan, 1.0)


def state(
    clock: DeskClock, target: DeskSlaTarget, plan: business_hours.Schedule, moment: datetime
) -> Sla:
    """A conversation's SLA at ``moment``: due, breached, or in its warning share."""
    due = _due(clock, target, plan)
    if due is None:
        return NO_SLA
    warn = _after(clock, target, plan, (target.warning_percent or DEFAULT_WARNING) / 100)
    breached = due <= moment
    return Sla(due, breached, not breached and warn is not None and warn <= moment)


async def slas(
    session: AsyncSession, brand_id: int, conversations: Sequence[tuple[int, str | None]]
) -> dict[int, Sla]:
    """The SLA of each ``(conversation id, priority)`` of one brand: three reads for a page."""
    wanted = await targets(session, brand_id)
    if not wanted or not conversations:
        return {}
    by_priority = {t.priority: t for t in wanted}
    ids = [cid for cid, _ in conversations]
    clocks = {
        c.conversation_id: c
        for c in await session.scalars(select(DeskClock).where(DeskClock.conversation_id.in_(ids)))
    }
    plan = schedule_of(await session.get(DeskBusinessHours, brand_id))
    moment, found = now(), {}
    for cid, priority in conversations:
        clock, target = clocks.get(cid), by_priority.get(priority or "none")
        found[cid] = state(clock, target, plan, moment) if clock and target else NO_SLA
    return found
