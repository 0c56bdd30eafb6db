"""Read positions: ``/api/v1/markers`` (home and notifications)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post

from porina.api.mastodon.auth import require, services_of
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import Unprocessable
from porina.core.ids import parse_id
from porina.notifications import markers as inbox
from porina.notifications import queries as q
from porina.notifications.models import Marker as MarkerRow
from porina.render import entities as e


class Marker(e.Entity):
    last_read_id: str
    version: int
    updated_at: str


def _entity(row: MarkerRow) -> Marker:
    return Marker(
        last_read_id=str(row.last_read_id),
        version=row.version,
        updated_at=iso(row.updated_at) or "",
    )


@get("/api/v1/markers")
async def get_markers(request: Request[Any, Any, Any]) -> dict[str, Marker]:
    viewer = await require(request, "read:statuses")
    params = await Params.of(request)
    timelines = params.str_list("timeline") or list(q.MARKER_TIMELINES)
    async with services_of(request).db.read() as session:
        rows = await q.markers(session, viewer.require_account(), timelines)
    return {row.timeline: _entity(row) for row in rows}


@post("/api/v1/markers", status_code=200)
async def save_markers(request: Request[Any, Any, Any]) -> dict[str, Marker]:
    viewer = await require(request, "write:statuses")
    params = await Params.of(request)
    changes: dict[str, int] = {}
    for timeline in q.MARKER_TIMELINES:
        if not params.has(timeline):
            continue
        raw = params.sub(timeline).raw("last_read_id")
        parsed = parse_id(raw if isinstance(raw, str | int) and not isinstance(raw, bool) else None)
        if parsed is None:
            raise Unprocessable(f"Validation failed: {timeline}[last_read_id] is not a valid id")
        changes[timeline] = parsed
    if not changes:
        raise Unprocessable("Validation failed: home or notifications is required")
    out: dict[str, Marker] = {}
    async with services_of(request).db.transaction() as tx:
        for timeline, last_read_id in changes.items():
            row = await inbox.save_marker(tx, viewer.require_account(), timeline, last_read_id)
            out[timeline] = _entity(row)
    return out


ROUTES = [get_markers, save_markers]
