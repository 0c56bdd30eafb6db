"""The person's analytics preferences (``analytics/preferences.py``):

- ``GET``/``PUT /api/porina/v1/analytics/weekly_report``: whether the caller gets the weekly
  report by e-mail (``analytics/weekly.py``), for their own account and the brands they
  manage or analyse;
- ``GET``/``PUT /api/porina/v1/analytics/preferences``: that and their time zone."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, put

from porina.analytics import preferences, weekly
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


PREFERENCES = "/api/porina/v1/analytics/preferences"


class AnalyticsPreferences(msgspec.Struct, kw_only=True):
    weekly_report: bool
    time_zone: str


@get(PREFERENCES)
async def analytics_preferences(request: Request[Any, Any, Any]) -> AnalyticsPreferences:
    """``{weekly_report, time_zone}``: the caller's (a person, not a brand); ``time_zone`` is
    the instance's default (``PORINA_DEFAULT_TIME_ZONE``) until they choose one."""
    user_id = _user(await require(request, "read:accounts"))
    svc = services_of(request)
    async with svc.db.read() as session:
        found = await preferences.of(session, user_id, svc.settings.default_time_zone)
    return AnalyticsPreferences(weekly_report=found.weekly_report, time_zone=found.time_zone)


@put(PREFERENCES, status_code=200)
async def set_analytics_preferences(request: Request[Any, Any, Any]) -> AnalyticsPreferences:
    """``weekly_report`` (boolean) and/or ``time_zone`` (an IANA name such as
    ``Europe/Helsinki``; 422 for anything else); what is left out is kept."""
    user_id = _user(await require(request, "write:accounts"))
    params = await Params.of(request)
    weekly = params.bool("weekly_report") if params.has("weekly_report") else None
    zone = params.data.get("time_zone") if params.has("time_zone") else None
    if weekly is None and zone is None:
        raise Unprocessable("Validation failed: give weekly_report or time_zone")
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        found = await preferences.update(
            tx,
            user_id,
            weekly_report=weekly,
            time_zone=zone if zone is None else str(zone),
            default_zone=svc.settings.default_time_zone,
        )
    return AnalyticsPreferences(weekly_report=found.weekly_report, time_zone=found.time_zone)


ROUTES = [
    weekly_report_setting,
    set_weekly_report,
    analytics_preferences,
    set_analytics_preferences,
]
