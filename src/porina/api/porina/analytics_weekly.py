"""``GET``/``PUT /api/porina/v1/analytics/weekly_report``: whether the caller gets the weekly
report by e-mail (``analytics/weekly.py``) — a setting of the person, for their own account
and the brands they manage or analyse."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, put

from porina.analytics import weekly
from porina.api.mastodon.auth import Viewer, require, services_of
from porina.api.mastodon.params import Params
from porina.core.errors import Forbidden, Unprocessable

PATH = "/api/porina/v1/analytics/weekly_report"


class WeeklyReportSetting(msgspec.Struct, kw_only=True):
    enabled: bool


def _user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise Forbidden("This action is not allowed")
    return viewer.user_id


@get(PATH)
async def weekly_report_setting(request: Request[Any, Any, Any]) -> WeeklyReportSetting:
    user_id = _user(await require(request, "read:accounts"))
    async with services_of(request).db.read() as session:
        return WeeklyReportSetting(enabled=await weekly.wanted(session, user_id))


@put(PATH, status_code=200)
async def set_weekly_report(request: Request[Any, Any, Any]) -> WeeklyReportSetting:
    user_id = _user(await require(request, "write:accounts"))
    params = await Params.of(request)
    if not params.has("enabled"):
        raise Unprocessable("Validation failed: enabled is required")
    enabled = params.bool("enabled")
    async with services_of(request).db.transaction() as tx:
        await weekly.set_wanted(tx, user_id, enabled)
    return WeeklyReportSetting(enabled=enabled)


ROUTES = [weekly_report_setting, set_weekly_report]
