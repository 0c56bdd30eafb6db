"""Interaction analytics of an account (docs/api.md, "Analytics"; docs/metrics.md):

- ``GET /api/porina/v1/analytics/metrics`` — the metric dictionary, in the reader's language;
- ``GET /api/porina/v1/analytics/overview?from=&to=`` — a period against the one before.

Read as the account itself, or by its team's owners, managers and analysts through a token
acting as it (an agent gets a 403). ``account_id``, when given, must be the account the
token acts as: any other answers 404, as for an account that does not exist.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get

from porina.accounts import operators
from porina.analytics import dictionary, reports
from porina.api.mastodon.auth import Viewer, require, services_of
from porina.api.mastodon.localized import request_locale
from porina.api.mastodon.params import Params
from porina.core.errors import Forbidden, NotFound

BASE = "/api/porina/v1/analytics"
READERS = {"owner", "manager", "analyst"}
NOT_READER = "Only the account's owners, managers and analysts can read its analytics"


class AnalyticsMetric(msgspec.Struct, kw_only=True):
    name: str
    label: str
    formula: str
    denominator: str | None
    description: str


class AnalyticsFollowers(msgspec.Struct, kw_only=True):
    start: int
    end: int
    gained: int
    lost: int


class AnalyticsEngagements(msgspec.Struct, kw_only=True):
    favourites: int
    reblogs: int
    replies: int
    quotes: int


class AnalyticsRates(msgspec.Struct, kw_only=True):
    """Ratios of the period's sums; null when the denominator is 0."""

    by_impressions: float | None
    by_reach: float | None
    by_followers: float | None


class AnalyticsPeriod(msgspec.Struct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str
    followers: AnalyticsFollowers
    posts: int
    impressions: int
    reach: int
    engagements: AnalyticsEngagements
    bookmarks: int
    engagement_rate: AnalyticsRates


class AnalyticsOverview(AnalyticsPeriod, kw_only=True):
    previous: AnalyticsPeriod


def _locale(request: Request[Any, Any, Any], viewer: Viewer) -> str:
    return request_locale(request.scope) or viewer.locale


async def _account(request: Request[Any, Any, Any]) -> tuple[Viewer, Params, int]:
    """The caller, the parameters and the account whose figures they may read."""
    viewer = await require(request, "read:accounts")
    account_id = viewer.require_account()
    params = await Params.of(request)
    asked = params.int("account_id")
    if asked is not None and asked != account_id:
        raise NotFound()
    if viewer.operated and viewer.user_id is not None:
        async with services_of(request).db.read() as session:
            role = await operators.role_of(session, account_id, viewer.user_id)
        if role is None:
            raise NotFound()
        if role not in READERS:
            raise Forbidden(NOT_READER)
    return viewer, params, account_id


@get(f"{BASE}/metrics")
async def analytics_metrics(request: Request[Any, Any, Any]) -> list[AnalyticsMetric]:
    """Every metric's name, label, formula, denominator and description."""
    viewer = await require(request, "read:accounts")
    locale = _locale(request, viewer)
    return [
        AnalyticsMetric(
            name=m.name,
            label=m.label(locale),
            formula=m.formula,
            denominator=m.denominator,
            description=m.description(locale),
        )
        for m in dictionary.METRICS
    ]


def _period_entity(when: reports.Span, found: reports.Period) -> AnalyticsPeriod:
    counts = found.totals.counts
    return AnalyticsPeriod(
        from_=when.first.isoformat(),
        to=when.last.isoformat(),
        followers=AnalyticsFollowers(
            start=found.followers_start,
            end=found.followers_end,
            gained=counts["followers_gained"],
            lost=counts["followers_lost"],
        ),
        posts=counts["posts"],
        impressions=counts["impressions"],
        reach=found.totals.reach,
        engagements=AnalyticsEngagements(
            favourites=counts["favourites"],
            reblogs=counts["reblogs"],
            replies=counts["replies"],
            quotes=counts["quotes"],
        ),
        bookmarks=counts["bookmarks"],
        engagement_rate=AnalyticsRates(
            by_impressions=found.rate(counts["impressions"]),
            by_reach=found.rate(found.totals.reach),
            by_followers=found.rate(found.followers_end),
        ),
    )


@get(f"{BASE}/overview")
async def analytics_overview(request: Request[Any, Any, Any]) -> AnalyticsOverview:
    """The period ``from``..``to`` (dates, both included; default the last 28 days) and the
    period of equal length just before it."""
    _viewer, params, account_id = await _account(request)
    when = reports.span(params.str("from"), params.str("to"))
    before = when.previous()
    svc = services_of(request)
    keep = svc.settings.analytics_raw_days
    async with svc.db.read() as session:
        found = await reports.period(session, account_id, when, keep)
        earlier = await reports.period(session, account_id, before, keep)
    now_ = _period_entity(when, found)
    return AnalyticsOverview(
        **{f: getattr(now_, f) for f in now_.__struct_fields__},
        previous=_period_entity(before, earlier),
    )


ROUTES = [analytics_metrics, analytics_overview]
