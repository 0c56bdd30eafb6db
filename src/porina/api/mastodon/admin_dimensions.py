"""``POST /api/v1/admin/dimensions`` and ``POST /api/v1/admin/retention``: the server's
dimensions (``analytics.dimensions``) and sign-up cohorts (``analytics.retention``), for
staff with ``admin:read``, in Mastodon's shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from litestar import Request, post

from porina.analytics import dimensions, retention
from porina.api.mastodon.auth import require_admin, services_of
from porina.api.mastodon.params import Params
from porina.core.errors import BadRequest, Unprocessable
from porina.render import entities as e

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


class AdminDimensionData(e.Entity, omit_defaults=True):
    key: str
    human_key: str
    value: str
    unit: str | None = None
    human_value: str | None = None


class AdminDimension(e.Entity):
    key: str
    data: list[AdminDimensionData]


class CohortData(e.Entity):
    date: str
    rate: float
    value: str


class AdminCohort(e.Entity):
    period: str
    frequency: str
    data: list[CohortData]


def _stretch(params: Params) -> tuple[datetime, datetime]:
    start = params.moment("start_at", label="Start at")
    end = params.moment("end_at", label="End at")
    if start is None or end is None:
        raise Unprocessable("Validation failed: start_at and end_at are required")
    if end < start:
        raise Unprocessable("Validation failed: end_at must not be before start_at")
    return start, end


def _whole_days(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """A bare date as ``end_at`` means the whole day, as Mastodon's ``BETWEEN`` on dates."""
    if end.time() == time.min:
        end = datetime.combine(end.date(), time.max, tzinfo=UTC)
    return start, end


def _params_for(params: Params, key: str) -> dict[str, str]:
    name = dimensions.WITH_PARAMS.get(key)
    if name is None:
        return {}
    value = params.sub(key).str(name)
    if not value:
        raise BadRequest(f"param is missing or the value is empty: {key}")
    return {name: value}


def _midnight(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


@post("/api/v1/admin/dimensions", status_code=200)
async def admin_dimensions(request: Request[Any, Any, Any]) -> list[AdminDimension]:
    """The dimensions named in ``keys[]`` (unknown ones are left out, as Mastodon does)."""
    await require_admin(request, "admin:read")
    params = await Params.of(request)
    keys = [
        k
        for k in dict.fromkeys(params.str_list("keys", max_items=50))
        if k in dimensions.DIMENSIONS
    ]
    start, end = _whole_days(*_stretch(params))
    limit = max(1, min(params.int("limit", DEFAULT_LIMIT, lo=1) or DEFAULT_LIMIT, MAX_LIMIT))
    services = services_of(request)
    out: list[AdminDimension] = []
    async with services.db.read() as session:
        for key in keys:
            stretch = dimensions.Stretch(
                start=start,
                end=end,
                limit=limit,
                local_domain=services.settings.local_domain,
                params=_params_for(params, key),
            )
            items = await dimensions.dimension(session, key, stretch)
            out.append(
                AdminDimension(
                    key=key,
                    data=[
                        AdminDimensionData(
                            key=i.key,
                            human_key=i.human_key,
                            value=i.value,
                            unit=i.unit,
                            human_value=i.human_value,
                        )
                        for i in items
                    ],
                )
            )
    return out


@post("/api/v1/admin/retention", status_code=200)
async def admin_retention(request: Request[Any, Any, Any]) -> list[AdminCohort]:
    """Sign-up cohorts by ``frequency`` (``day``, the default, or ``month``)."""
    await require_admin(request, "admin:read")
    params = await Params.of(request)
    start, end = _stretch(params)
    frequency = params.str("frequency") or "day"
    if frequency not in retention.FREQUENCIES:
        frequency = "day"  # as Mastodon: anything else is a day
    axis = retention.periods(start.date(), end.date(), frequency)
    if len(axis) > retention.MAX_PERIODS:
        raise Unprocessable(f"Validation failed: at most {retention.MAX_PERIODS} periods at once")
    async with services_of(request).db.read() as session:
        found = await retention.cohorts(session, start.date(), end.date(), frequency)
    return [
        AdminCohort(
            period=_midnight(c.period),
            frequency=c.frequency,
            data=[
                CohortData(date=_midnight(d.date), rate=d.rate, value=str(d.value)) for d in c.data
            ],
        )
        for c in found
    ]


ROUTES = [admin_dimensions, admin_retention]
