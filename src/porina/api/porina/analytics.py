"""Interaction analytics of an account (docs/api.md, "Analytics"; docs/metrics.md):

- ``GET /api/porina/v1/analytics/metrics`` — the metric dictionary, in the reader's language;
- ``GET /api/porina/v1/analytics/overview?from=&to=`` — a period against the one before;
- ``GET /api/porina/v1/analytics/statuses?from=&to=&order=`` — the statuses published in a
  period with their counts; ``GET …/statuses/:id`` — one status over time;
- ``GET /api/porina/v1/analytics/best_times`` — engagements per post by weekday and hour;
- ``GET /api/porina/v1/analytics/hashtags?from=&to=`` — the hashtags of the period's statuses;
- ``GET /api/porina/v1/analytics/export?dataset=&format=&from=&to=`` — CSV or Parquet.

Read as the account itself, or by its team's owners, managers and analysts through a token
acting as it (an agent gets a 403). ``account_id``, when given, must be the account the
token acts as: any other answers 404, as for an account that does not exist.

A person's own account is read in their time zone (``…/preferences``): ``from`` and ``to``
are days there, and the overview's ``time_zone`` names it; a brand's are UTC days.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from litestar import Request, Response, get

from porina.accounts import operators
from porina.analytics import (
    dashboard,
    dictionary,
    exports,
    per_status,
    preferences,
    reports,
)
from porina.api.mastodon.auth import Viewer, require, services_of
from porina.api.mastodon.localized import request_locale
from porina.api.mastodon.params import Params
from porina.core.errors import Forbidden, NotFound, Unprocessable
from porina.render.renderer import timestamp

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
    profile_visits: int
    engagement_rate: AnalyticsRates


class AnalyticsOverview(AnalyticsPeriod, kw_only=True):
    time_zone: str
    """The zone whose days ``from`` and ``to`` are."""
    previous: AnalyticsPeriod


def _locale(request: Request[Any, Any, Any], viewer: Viewer) -> str:
    return request_locale(request.scope) or viewer.locale


async def account_of(request: Request[Any, Any, Any]) -> tuple[Viewer, Params, int]:
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


async def span_of(request: Request[Any, Any, Any], viewer: Viewer, params: Params) -> reports.Span:
    """``from``..``to`` in the zone of the account's days: the person's own, for their own
    account (not a brand read through a token acting as it), else UTC."""
    svc = services_of(request)
    async with svc.db.read() as session:
        zone = await preferences.dashboard_zone(
            session, viewer.user_id, not viewer.operated, svc.settings.default_time_zone
        )
    return reports.span(params.str("from"), params.str("to"), zone)


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
        profile_visits=counts["profile_visits"],
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
    viewer, params, account_id = await account_of(request)
    when = await span_of(request, viewer, params)
    before = when.previous()
    svc = services_of(request)
    keep = svc.settings.analytics_raw_days
    async with svc.db.read() as session:
        found = await reports.period(session, account_id, when, keep)
        earlier = await reports.period(session, account_id, before, keep)
    now_ = _period_entity(when, found)
    return AnalyticsOverview(
        **{f: getattr(now_, f) for f in now_.__struct_fields__},
        time_zone=when.zone,
        previous=_period_entity(before, earlier),
    )


class AnalyticsStatusRow(msgspec.Struct, kw_only=True):
    id: str
    created_at: str
    visibility: str
    url: str | None
    impressions: int
    reach: int
    engagements: AnalyticsEngagements
    bookmarks: int
    engagement_rate_by_impressions: float | None


class AnalyticsPoint(msgspec.Struct, kw_only=True):
    start: str
    period: str
    """``hour`` or ``day`` (the first daily bucket runs from the 48th hour to midnight UTC)."""
    impressions: int
    engagements: AnalyticsEngagements
    bookmarks: int


class AnalyticsStatusDetail(msgspec.Struct, kw_only=True):
    status: AnalyticsStatusRow
    series: list[AnalyticsPoint]


class AnalyticsBestTimes(msgspec.Struct, kw_only=True):
    source: str
    weeks: int
    min_posts: int
    time_zone: str
    cells: list[list[float | None]]


def _engagements(counts: Counter[str]) -> AnalyticsEngagements:
    return AnalyticsEngagements(
        favourites=counts["favourites"],
        reblogs=counts["reblogs"],
        replies=counts["replies"],
        quotes=counts["quotes"],
    )


def _status_row(post: per_status.Published, counts: Counter[str]) -> AnalyticsStatusRow:
    engaged = per_status.engagements(counts)
    shown = counts["impressions"]
    return AnalyticsStatusRow(
        id=str(post.id),
        created_at=timestamp(post.created_at) or "",
        visibility=post.visibility,
        url=post.url,
        impressions=shown,
        reach=counts["reach"],
        engagements=_engagements(counts),
        bookmarks=counts["bookmarks"],
        engagement_rate_by_impressions=engaged / shown if shown else None,
    )


ORDERS = ("engagements", "impressions")


async def _rows(
    request: Request[Any, Any, Any], viewer: Viewer, account_id: int, params: Params
) -> list[tuple[per_status.Published, Counter[str]]]:
    """The account's statuses published in the period, most engaging (or most seen) first."""
    when = await span_of(request, viewer, params)
    order = params.text("order", "engagements")
    if order not in ORDERS:
        raise Unprocessable("Validation failed: order is engagements or impressions")
    async with services_of(request).db.read() as session:
        posts = await per_status.statuses_of(session, account_id, when.start, when.end)
        counts = await per_status.lifetime(session, account_id, posts)

    def key(post: per_status.Published) -> tuple[int, int]:
        found = counts[post.id]
        value = per_status.engagements(found) if order == "engagements" else found["impressions"]
        return (value, post.id)

    return [(p, counts[p.id]) for p in sorted(posts, key=key, reverse=True)]


@get(f"{BASE}/statuses")
async def analytics_statuses(request: Request[Any, Any, Any]) -> list[AnalyticsStatusRow]:
    """The account's statuses published ``from``..``to`` (not deleted, no boosts or direct
    messages) with their counts since publishing; ``order`` engagements (default) or
    impressions, ``limit`` (20, at most 80) and ``offset``."""
    viewer, params, account_id = await account_of(request)
    limit = params.int("limit", 20, lo=1, hi=80) or 20
    offset = params.int("offset", 0, lo=0, hi=100_000) or 0
    rows = await _rows(request, viewer, account_id, params)
    return [_status_row(post, counts) for post, counts in rows[offset : offset + limit]]


@get(f"{BASE}/statuses/{{status_id:str}}")
async def analytics_status(
    request: Request[Any, Any, Any], status_id: str
) -> AnalyticsStatusDetail:
    """One of the account's statuses over time: hourly for its first 48 hours, daily after."""
    _viewer, _params, account_id = await account_of(request)
    wanted = int(status_id) if status_id.isdigit() and len(status_id) < 20 else None
    async with services_of(request).db.read() as session:
        post = await per_status.one_of(session, account_id, wanted) if wanted else None
        if post is None:
            raise NotFound()
        counts = (await per_status.lifetime(session, account_id, [post]))[post.id]
        points = await per_status.over_time(session, post)
    return AnalyticsStatusDetail(
        status=_status_row(post, counts),
        series=[
            AnalyticsPoint(
                start=timestamp(p.start) or "",
                period="hour" if p.hourly else "day",
                impressions=p.counts["impressions"],
                engagements=_engagements(p.counts),
                bookmarks=p.counts["bookmarks"],
            )
            for p in points
        ],
    )


@get(f"{BASE}/best_times")
async def analytics_best_times(request: Request[Any, Any, Any]) -> AnalyticsBestTimes:
    """Mean engagements per post by weekday (``cells[0]`` is Monday) and hour of publishing
    in the reader's time zone (``time_zone``; ``…/preferences``) over the last 16 weeks;
    the instance's when the account posted too little."""
    viewer, _params, account_id = await account_of(request)
    svc = services_of(request)
    async with svc.db.read() as session:
        zone = (
            (
                await preferences.of(session, viewer.user_id, svc.settings.default_time_zone)
            ).time_zone
            if viewer.user_id is not None
            else svc.settings.default_time_zone
        )
        found = await per_status.best_times(session, account_id, zone)
    return AnalyticsBestTimes(
        source=found.source,
        weeks=per_status.WEEKS,
        min_posts=per_status.MIN_POSTS,
        time_zone=zone,
        cells=found.cells,
    )


class AnalyticsHashtag(msgspec.Struct, kw_only=True):
    name: str
    posts: int
    impressions: int
    engagements: int


@get(f"{BASE}/hashtags")
async def analytics_hashtags(request: Request[Any, Any, Any]) -> list[AnalyticsHashtag]:
    """The hashtags of the account's statuses published ``from``..``to`` (as ``…/statuses``
    lists them), each with how many of them carry it and their impressions and engagements
    since publishing; most engagements first, then most posts; ``limit`` 10, at most 40."""
    viewer, params, account_id = await account_of(request)
    when = await span_of(request, viewer, params)
    limit = params.int("limit", 10, lo=1, hi=40) or 10
    async with services_of(request).db.read() as session:
        found = await dashboard.hashtags(session, account_id, when, limit)
    return [
        AnalyticsHashtag(
            name=h.name, posts=h.posts, impressions=h.impressions, engagements=h.engagements
        )
        for h in found
    ]


async def _daily(
    request: Request[Any, Any, Any], viewer: Viewer, account_id: int, params: Params
) -> list[dict[str, Any]]:
    when = await span_of(request, viewer, params)
    async with services_of(request).db.read() as session:
        return await dashboard.daily_rows(session, account_id, when)


async def _status_export(
    request: Request[Any, Any, Any], viewer: Viewer, account_id: int, params: Params
) -> list[dict[str, Any]]:
    return dashboard.status_rows(await _rows(request, viewer, account_id, params))


FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


@get(f"{BASE}/export")
async def analytics_export(request: Request[Any, Any, Any]) -> Response[bytes]:
    """``dataset`` statuses (one row per status published in the period) or daily (one row per
    day); ``format`` csv or parquet."""
    viewer, params, account_id = await account_of(request)
    dataset, form = params.text("dataset", "daily"), params.text("format", "csv")
    if dataset not in ("statuses", "daily"):
        raise Unprocessable("Validation failed: dataset is statuses or daily")
    if form not in FORMATS:
        raise Unprocessable("Validation failed: format is csv or parquet")
    if dataset == "daily":
        rows, columns = await _daily(request, viewer, account_id, params), exports.DAILY_COLUMNS
    else:
        found = await _status_export(request, viewer, account_id, params)
        rows, columns = found, exports.STATUS_COLUMNS
    body = exports.as_csv(columns, rows) if form == "csv" else exports.as_parquet(columns, rows)
    name = f"analytics-{dataset}.{form}"
    return Response(
        body,
        media_type=FORMATS[form],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    analytics_metrics,
    analytics_overview,
    analytics_statuses,
    analytics_status,
    analytics_best_times,
    analytics_hashtags,
    analytics_export,
]
