"""``POST /api/v1/admin/measures``: totals and daily values of the server's measures
(``analytics.measures``), for staff with ``admin:read``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Request, post

from porina.analytics import measures
from porina.api.mastodon.auth import require_admin, services_of
from porina.api.mastodon.params import Params
from porina.core.errors import Unprocessable
from porina.render import entities as e


class MeasureData(e.Entity):
    date: str
    value: str


class AdminMeasure(e.Entity):
    key: str
    unit: str | None
    total: str
    previous_total: str | None
    data: list[MeasureData]


def _days(params: Params) -> tuple[date, date]:
    start = params.moment("start_at", label="Start at")
    end = params.moment("end_at", label="End at")
    if start is None or end is None:
        raise Unprocessable("Validation failed: start_at and end_at are required")
    first, last = start.date(), end.date()
    if last < first:
        raise Unprocessable("Validation failed: end_at must not be before start_at")
    if last - first >= timedelta(days=measures.MAX_DAYS):
        raise Unprocessable(f"Validation failed: at most {measures.MAX_DAYS} days at once")
    return first, last


@post("/api/v1/admin/measures", status_code=200)
async def admin_measures(request: Request[Any, Any, Any]) -> list[AdminMeasure]:
    """The measures named in ``keys[]`` (unknown ones are left out, as Mastodon does)."""
    await require_admin(request, "admin:read")
    params = await Params.of(request)
    keys = [
        k for k in dict.fromkeys(params.str_list("keys", max_items=50)) if k in measures.MEASURES
    ]
    first, last = _days(params)
    out: list[AdminMeasure] = []
    async with services_of(request).db.read() as session:
        for key in keys:
            found = await measures.measure(session, key, first, last)
            out.append(
                AdminMeasure(
                    key=key,
                    unit=None,
                    total=str(found.total),
                    previous_total=str(found.previous_total),
                    data=[
                        MeasureData(date=f"{day.isoformat()}T00:00:00Z", value=str(value))
                        for day, value in found.data
                    ],
                )
            )
    return out


ROUTES = [admin_measures]
