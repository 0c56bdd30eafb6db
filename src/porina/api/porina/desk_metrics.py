"""The desk's response metrics and service levels (docs/api.md, "Desk metrics"):

- ``GET /api/porina/v1/desk/metrics?from=&to=`` — first response, reply and resolution times
  (median and 90th percentile, calendar and business hours), conversations opened and
  resolved, per staff member;
- ``GET|PUT|DELETE /api/porina/v1/desk/business_hours`` — the brand's opening hours;
- ``GET|PUT /api/porina/v1/desk/sla`` — SLA targets per priority.

Every member of the brand's team reads (an analyst too: metrics carry no conversation
content); owners and managers change; anyone else gets a 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar import Request, delete, get, put
from sqlalchemy import select

from porina.accounts.models import Account, User
from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.clock import now
from porina.desk import metrics, moods, service_levels, sla_watch
from porina.desk.errors import InvalidDeskRequest
from porina.desk.metrics_models import DeskBusinessHours
from porina.render import entities as e
from porina.render.renderer import Renderer

BASE = "/api/porina/v1/desk"
MAX_SPAN = timedelta(days=366)
DEFAULT_SPAN = timedelta(days=7)


class DeskFigures(msgspec.Struct, kw_only=True):
    """Seconds; null when nothing was measured."""

    count: int
    median: float | None
    p90: float | None
    business_median: float | None
    business_p90: float | None


class DeskStaffMetrics(msgspec.Struct, kw_only=True):
    account: e.Account
    first_response: DeskFigures
    reply: DeskFigures
    resolution: DeskFigures
    breaches: int = 0
    """SLA breaches of conversations assigned to them when the target fell due."""


class DeskSentimentAccuracy(msgspec.Struct, kw_only=True):
    """The classifier against the items staff reviewed (corrected or confirmed)."""

    reviewed: int
    accuracy: float | None
    macro_f1: float | None


class DeskMetrics(msgspec.Struct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str
    opened: int
    resolved: int
    first_response: DeskFigures
    reply: DeskFigures
    resolution: DeskFigures
    staff: list[DeskStaffMetrics]
    sentiment_accuracy: DeskSentimentAccuracy
    breaches: int = 0
    """SLA breaches marked in the period (``desk.sla_watch``)."""


class DeskBusinessHoursEntity(msgspec.Struct, kw_only=True):
    time_zone: str | None
    weekly: dict[str, list[list[str]]]
    holidays: list[str]


class DeskSlaTargetEntity(msgspec.Struct, kw_only=True):
    priority: str
    first_response_seconds: int | None
    resolution_seconds: int | None
    business_hours: bool
    warning_percent: int


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


def figures_entity(found: metrics.Figures) -> DeskFigures:
    return DeskFigures(
        count=found.count,
        median=found.median,
        p90=found.p90,
        business_median=found.business_median,
        business_p90=found.business_p90,
    )


def _period(params: Params) -> tuple[datetime, datetime]:
    end = params.moment("to", label="To") or now()
    start = params.moment("from", label="From") or end - DEFAULT_SPAN
    if start >= end:
        raise InvalidDeskRequest("Validation failed: from must be before to")
    if end - start > MAX_SPAN:
        raise InvalidDeskRequest("Validation failed: a period is at most 366 days")
    return start, end


_NONE = metrics.Figures(0, None, None, None, None)


async def _staff_rows(
    request: Request[Any, Any, Any],
    session: Any,
    found: metrics.Report,
    breached: dict[int, int],
) -> list[DeskStaffMetrics]:
    """Each staff member measured, as their own account."""
    measured = set(found.per_staff) | set(breached)
    if not measured:
        return []
    people = await session.execute(
        select(User.id, Account)
        .join(Account, Account.id == User.account_id)
        .where(User.id.in_(list(measured)))
    )
    nothing = {"first_response": _NONE, "reply": _NONE, "resolution": _NONE}
    renderer = Renderer(services_of(request).settings)
    rows = [
        DeskStaffMetrics(
            account=renderer.account(account),
            first_response=figures_entity(found.per_staff.get(user_id, nothing)["first_response"]),
            reply=figures_entity(found.per_staff.get(user_id, nothing)["reply"]),
            resolution=figures_entity(found.per_staff.get(user_id, nothing)["resolution"]),
            breaches=breached.get(user_id, 0),
        )
        for user_id, account in people.all()
    ]
    return sorted(rows, key=lambda r: r.account.username)


@get(f"{BASE}/metrics")
async def desk_metrics(request: Request[Any, Any, Any]) -> DeskMetrics:
    """Response metrics of the period ``[from, to)`` (default: the last seven days)."""
    actor = await _actor(request, "read:accounts")  # an analyst's token has no more
    start, end = _period(await Params.of(request))
    async with services_of(request).db.read() as session:
        await service_levels.member(session, actor)
        found = await metrics.report(session, actor.account_id, start, end)
        total, breached = await sla_watch.breaches(session, actor.account_id, start, end)
        staff = await _staff_rows(request, session, found, breached)
        checked = await moods.accuracy(session, actor.account_id)
    return DeskMetrics(
        from_=start.isoformat(),
        to=end.isoformat(),
        opened=found.opened,
        resolved=found.resolved,
        first_response=figures_entity(found.figures["first_response"]),
        reply=figures_entity(found.figures["reply"]),
        resolution=figures_entity(found.figures["resolution"]),
        staff=staff,
        sentiment_accuracy=DeskSentimentAccuracy(
            reviewed=checked.total,
            accuracy=checked.accuracy if checked.total else None,
            macro_f1=checked.macro_f1 if checked.total else None,
        ),
        breaches=total,
    )


def _hours_entity(hours: service_levels.Hours | None) -> DeskBusinessHoursEntity:
    if hours is None:
        return DeskBusinessHoursEntity(time_zone=None, weekly={}, holidays=[])
    return DeskBusinessHoursEntity(
        time_zone=hours.time_zone, weekly=hours.weekly, holidays=hours.holidays
    )


@get(f"{BASE}/business_hours")
async def show_business_hours(request: Request[Any, Any, Any]) -> DeskBusinessHoursEntity:
    """The brand's opening hours (``time_zone`` null: every hour counts)."""
    actor = await _actor(request, "read:accounts")
    async with services_of(request).db.read() as session:
        await service_levels.member(session, actor)
        row = await session.get(DeskBusinessHours, actor.account_id)
        return _hours_entity(service_levels.hours_of(row))


@put(f"{BASE}/business_hours")
async def update_business_hours(request: Request[Any, Any, Any]) -> DeskBusinessHoursEntity:
    """Replace the opening hours: ``{time_zone, weekly: {mon: [["08:00", "16:00"]]…},
    holidays: ["2026-12-24"]}``."""
    actor = await _actor(request, "write:accounts")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        hours = await service_levels.set_business_hours(tx, actor, params.data)
    return _hours_entity(hours)


@delete(f"{BASE}/business_hours", status_code=200)
async def clear_business_hours(request: Request[Any, Any, Any]) -> DeskBusinessHoursEntity:
    """No opening hours: every hour counts."""
    actor = await _actor(request, "write:accounts")
    async with services_of(request).db.transaction() as tx:
        await service_levels.clear_business_hours(tx, actor)
    return _hours_entity(None)


def _target_entities(rows: list[Any]) -> list[DeskSlaTargetEntity]:
    return [
        DeskSlaTargetEntity(
            priority=t.priority,
            first_response_seconds=t.first_response_seconds,
            resolution_seconds=t.resolution_seconds,
            business_hours=t.business_hours,
            warning_percent=t.warning_percent,
        )
        for t in rows
    ]


@get(f"{BASE}/sla")
async def show_sla(request: Request[Any, Any, Any]) -> list[DeskSlaTargetEntity]:
    """The brand's SLA targets, one per priority that has one."""
    actor = await _actor(request, "read:accounts")
    async with services_of(request).db.read() as session:
        await service_levels.member(session, actor)
        return _target_entities(await service_levels.targets(session, actor.account_id))


@put(f"{BASE}/sla")
async def update_sla(request: Request[Any, Any, Any]) -> list[DeskSlaTargetEntity]:
    """Replace the SLA targets: ``{targets: [{priority, first_response_seconds,
    resolution_seconds, business_hours, warning_percent}]}``."""
    actor = await _actor(request, "write:accounts")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        rows = await service_levels.set_targets(tx, actor, params.data.get("targets"))
    return _target_entities(rows)


ROUTES = [
    desk_metrics,
    show_business_hours,
    update_business_hours,
    clear_business_hours,
    show_sla,
    update_sla,
]
