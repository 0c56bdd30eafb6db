"""``/analytics``: the dashboard of the account the session acts as (issue 17, points 3-4), and
``/analytics/statuses/:id``, one post over time. The figures are the API's
(``analytics.reports``, ``analytics.dashboard``, ``analytics.per_status``), so a page and
``/api/porina/v1/analytics/…`` agree; the charts are ``render.charts`` (inline SVG, each with
its data table), downloadable at ``/analytics/charts/<name>.svg|png?from=&to=``, and the
exports at ``/analytics/export?dataset=&format=&from=&to=``.

Who may read: the person for their own account, and a brand's owners, managers and analysts
acting as it; an agent gets 403, anything not the account's is 404, and no one signed in is
sent to sign in.

Days: a person's own account is shown in days of their time zone (their preference, else the
instance's ``default_time_zone``), a brand's in UTC days; the page says which. The best times
to post are always in the reader's zone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date, format_skeleton
from babel.numbers import format_percent
from litestar import Request, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import operators
from porina.analytics import (
    dashboard,
    dictionary,
    exports,
    figures,
    per_status,
    preferences,
    reports,
)
from porina.core.errors import Forbidden, NotFound
from porina.render import business_figures, charts
from porina.web import i18n
from porina.web.common import Me, id_or_404, render, signed_in
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/analytics"
READERS = {"owner", "manager", "analyst"}
PRESETS = (7, 28, 90)
RATES = (
    "engagement_rate_by_impressions",
    "engagement_rate_by_reach",
    "engagement_rate_by_followers",
)
ENGAGEMENT_NAMES = {
    "favourites": N_("Favourites"),
    "reblogs": N_("Boosts"),
    "replies": N_("Replies"),
    "quotes": N_("Quotes"),
}
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
CHARTS = ("followers", "activity", "engagements", "hashtags", "best_times", "status")
DESK_KINDS = {
    "first_response": N_("First response time"),
    "reply": N_("Reply time"),
    "resolution": N_("Time to resolve"),
}
CAMPAIGN_FIGURES = {
    "contest_entries": N_("Contest entries"),
    "contest_entrants": N_("Contest entrants"),
    "newsletter_confirmed": N_("Newsletter sign-ups"),
    "newsletter_unsubscribed": N_("Newsletter unsubscribes"),
    "newsletter_sent": N_("Newsletter mails sent"),
    "newsletter_bounced": N_("Newsletter bounces"),
    "newsletter_clicks": N_("Newsletter clicks"),
}
NOT_READER = N_("Only the account's owners, managers and analysts can read its analytics.")
FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


@dataclass(frozen=True, slots=True)
class Reading:
    """Whose figures the page shows: the session's account (its own, or the brand it acts
    as), or with ``?account_id=`` a brand the person is on the team of (how an analyst, who
    cannot act as the brand on the web, reads it)."""

    me: Me
    account_id: int

    @property
    def brand(self) -> bool:
        return self.account_id != self.me.user.account_id

    def suffix(self, sep: str = "&") -> str:
        """The ``account_id`` parameter links carry when it is not the session's account."""
        return "" if self.account_id == self.me.id else f"{sep}account_id={self.account_id}"


@dataclass(frozen=True, slots=True)
class Zones:
    reader: str
    """The reader's time zone: the best times to post are drawn in it."""
    days: str
    """The zone of the dashboard's days: the reader's for their own account, UTC for a brand."""


async def _zones(session: AsyncSession, who: Reading, default: str) -> Zones:
    reader = (await preferences.of(session, who.me.user.id, default)).time_zone
    return Zones(reader, figures.UTC_ZONE if who.brand else reader)


async def _reading(request: Request[Any, Any, Any]) -> Reading:
    me = await signed_in(request)
    asked = request.query_params.get("account_id")
    wanted = id_or_404(asked) if asked else me.id
    if wanted == me.user.account_id:
        return Reading(me, wanted)
    if wanted == me.id:
        role = me.role
    else:
        async with services(request).db.read() as session:
            role = await operators.role_of(session, wanted, me.user.id)
        if role is None:
            raise NotFound()
    if role not in READERS:
        raise Forbidden(i18n._(NOT_READER))
    return Reading(me, wanted)


@dataclass(frozen=True, slots=True)
class Picked:
    """The period asked for: a preset (7, 28, 90 days to today) or ``custom`` from..to."""

    span: reports.Span
    days: str

    def query(self) -> str:
        return f"from={self.span.first.isoformat()}&to={self.span.last.isoformat()}"


def pick(days: str | None, from_: str | None, to: str | None, zone: str = "UTC") -> Picked:
    """The period asked for, in days of ``zone`` (a preset ends today there)."""
    if days == "custom" or (days is None and (from_ or to)):
        return Picked(reports.span(from_ or None, to or None, zone), "custom")
    wanted = int(days) if days and days.isdigit() and int(days) in PRESETS else 28
    last = figures.local_today(zone)
    return Picked(reports.Span(last - timedelta(days=wanted - 1), last, zone), str(wanted))


def _short(day: date) -> str:
    return str(format_skeleton("Md", day, locale=i18n.current()))


def _long(day: date) -> str:
    return str(format_date(day, "medium", locale=i18n.current()))


def _engagement_names() -> dict[str, str]:
    return {k: i18n._(v) for k, v in ENGAGEMENT_NAMES.items()}


def _change(now_: float | None, before: float | None) -> float | None:
    if now_ is None or not before:
        return None
    return (now_ - before) / before


# Charts: each returns the chart and its data table (caption, header, rows of cells).
@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True, slots=True)
class Drawn:
    name: str
    chart: charts.Chart
    table: Table

    def svg(self) -> str:
        return charts.inline_svg(self.chart, self.chart.title)


def followers_chart(days: list[dashboard.Day], start: int) -> Drawn:
    running, ends = start, []
    for day in days:
        running += day.net_followers
        ends.append(running)
    labels = [_short(d.day) for d in days]
    title = i18n._("Followers at the end of each day")
    chart = charts.Chart(
        "line", title, labels, [charts.Series(i18n._("Followers"), ends)], locale=i18n.current()
    )
    head = [i18n._("Day"), i18n._("Gained"), i18n._("Lost"), i18n._("Net"), i18n._("Followers")]
    rows = [
        [
            _long(d.day),
            *(
                i18n.fmt_number(v)
                for v in (
                    d.counts["followers_gained"],
                    d.counts["followers_lost"],
                    d.net_followers,
                    end,
                )
            ),
        ]
        for d, end in zip(days, ends, strict=True)
    ]
    return Drawn("followers", chart, Table(title, head, rows))


def activity_chart(days: list[dashboard.Day]) -> Drawn:
    labels = [_short(d.day) for d in days]
    title = i18n._("Impressions and engagements per day")
    shown = [d.counts["impressions"] for d in days]
    engaged = [d.engagements for d in days]
    chart = charts.Chart(
        "line",
        title,
        labels,
        [
            charts.Series(i18n._("Impressions"), shown),
            charts.Series(i18n._("Engagements"), engaged),
        ],
        locale=i18n.current(),
    )
    head = [i18n._("Day"), i18n._("Posts"), i18n._("Impressions"), i18n._("Engagements")]
    rows = [
        [_long(d.day), *(i18n.fmt_number(v) for v in (d.counts["posts"], s, e))]
        for d, s, e in zip(days, shown, engaged, strict=True)
    ]
    return Drawn("activity", chart, Table(title, head, rows))


def engagements_chart(current: Counter[str], before: Counter[str]) -> Drawn:
    names = _engagement_names()
    title = i18n._("Engagements by type")
    kinds = list(ENGAGEMENT_NAMES)
    chart = charts.Chart(
        "bars",
        title,
        [names[k] for k in kinds],
        [
            charts.Series(i18n._("This period"), [current[k] for k in kinds]),
            charts.Series(i18n._("Previous period"), [before[k] for k in kinds]),
        ],
        locale=i18n.current(),
    )
    head = [i18n._("Type"), i18n._("This period"), i18n._("Previous period")]
    rows = [[names[k], i18n.fmt_number(current[k]), i18n.fmt_number(before[k])] for k in kinds]
    return Drawn("engagements", chart, Table(title, head, rows))


def hashtags_chart(tags: list[dashboard.Hashtag]) -> Drawn:
    title = i18n._("Top hashtags by engagements")
    chart = charts.Chart(
        "hbars",
        title,
        [f"#{t.name}" for t in tags],
        [charts.Series(i18n._("Engagements"), [t.engagements for t in tags])],
        locale=i18n.current(),
        extra={"empty": i18n._("No hashtags in this period.")},
    )
    head = [i18n._("Hashtag"), i18n._("Posts"), i18n._("Impressions"), i18n._("Engagements")]
    rows = [
        [f"#{t.name}", *(i18n.fmt_number(v) for v in (t.posts, t.impressions, t.engagements))]
        for t in tags
    ]
    return Drawn("hashtags", chart, Table(title, head, rows))


def best_times_chart(found: per_status.BestTimes, zone: str = "UTC") -> Drawn:
    title = i18n._("Engagements per post by weekday and hour (%(zone)s)") % {"zone": zone}
    days = [i18n._(d) for d in WEEKDAYS]
    hours = [f"{h:02d}" for h in range(24)]
    chart = charts.Chart(
        "heatmap",
        title,
        hours,
        [charts.Series(day, row) for day, row in zip(days, found.cells, strict=True)],
        locale=i18n.current(),
    )
    rows = [
        [day, *("-" if v is None else i18n.fmt_number(round(v, 2)) for v in row)]
        for day, row in zip(days, found.cells, strict=True)
    ]
    return Drawn("best_times", chart, Table(title, [i18n._("Weekday"), *hours], rows))


def status_chart(points: list[per_status.Point]) -> Drawn:
    title = i18n._("Impressions and engagements since publishing")
    labels = [
        i18n.fmt_datetime(p.start, "short") if p.hourly else i18n.fmt_date(p.start, "short")
        for p in points
    ]
    shown = [p.counts["impressions"] for p in points]
    engaged = [per_status.engagements(p.counts) for p in points]
    chart = charts.Chart(
        "line",
        title,
        labels,
        [
            charts.Series(i18n._("Impressions"), shown),
            charts.Series(i18n._("Engagements"), engaged),
        ],
        locale=i18n.current(),
    )
    names = _engagement_names()
    head = [i18n._("Starting"), i18n._("Impressions"), *names.values(), i18n._("Bookmarks")]
    rows = [
        [
            label,
            *(
                i18n.fmt_number(p.counts[k])
                for k in ("impressions", *ENGAGEMENT_NAMES, "bookmarks")
            ),
        ]
        for label, p in zip(labels, points, strict=True)
    ]
    return Drawn("status", chart, Table(title, head, rows))


# Reads.
async def _overview(
    session: AsyncSession, account_id: int, span: reports.Span, keep: int
) -> tuple[reports.Period, reports.Period]:
    return (
        await reports.period(session, account_id, span, keep),
        await reports.period(session, account_id, span.previous(), keep),
    )


def _figures(found: reports.Period, before: reports.Period) -> list[dict[str, Any]]:
    """The overview's headline figures with the previous period and the change."""

    def row(label: str, a: int, b: int) -> dict[str, Any]:
        return {"label": label, "now": a, "before": b, "change": _change(a, b)}

    c, p = found.totals.counts, before.totals.counts
    return [
        row(i18n._("Posts"), c["posts"], p["posts"]),
        row(i18n._("Impressions"), c["impressions"], p["impressions"]),
        row(i18n._("Reach"), found.totals.reach, before.totals.reach),
        row(i18n._("Engagements"), found.totals.engagements(), before.totals.engagements()),
        row(i18n._("Bookmarks"), c["bookmarks"], p["bookmarks"]),
        row(i18n._("Profile visits"), c["profile_visits"], p["profile_visits"]),
        row(i18n._("Followers gained"), c["followers_gained"], p["followers_gained"]),
        row(i18n._("Followers lost"), c["followers_lost"], p["followers_lost"]),
    ]


def _percent(value: float | None) -> str:
    """A rate as a percentage in the reader's language (``12.5%``, ``12,5 %``); a dash when
    its denominator was 0."""
    if value is None:
        return "-"
    return str(format_percent(value, "#,##0.#%", locale=i18n.current()))


def _rates(found: reports.Period, before: reports.Period) -> list[dict[str, Any]]:
    locale = i18n.current()
    metrics = {m.name: m for m in dictionary.METRICS}
    out = []
    for name, now_, then in (
        (
            RATES[0],
            found.rate(found.totals.counts["impressions"]),
            before.rate(before.totals.counts["impressions"]),
        ),
        (RATES[1], found.rate(found.totals.reach), before.rate(before.totals.reach)),
        (RATES[2], found.rate(found.followers_end), before.rate(before.followers_end)),
    ):
        metric = metrics[name]
        out.append(
            {
                "name": name,
                "label": metric.label(locale),
                "formula": metric.formula,
                "description": metric.description(locale),
                "now": _percent(now_),
                "before": _percent(then),
            }
        )
    return out


async def _business(
    session: AsyncSession, who: Reading, span: reports.Span
) -> tuple[dict[str, Any] | None, list[tuple[str, int, int]]]:
    """The desk's response figures of the period laid out for the page, when the account
    has a team, and the contest and newsletter figures as (label, now, before) rows
    (``render/business_figures.py``; none when all are 0)."""
    found = await business_figures.period(session, who.account_id, span.start, span.end)
    earlier = span.previous()
    before = await business_figures.period(session, who.account_id, earlier.start, earlier.end)
    rows = [
        (i18n._(label), getattr(found, name), getattr(before, name))
        for name, label in CAMPAIGN_FIGURES.items()
    ]
    if not any(now_ or then for _, now_, then in rows):
        rows = []
    if found.desk is None:
        return None, rows
    desk = {
        "opened": found.desk.opened,
        "resolved": found.desk.resolved,
        "kinds": [
            {"label": i18n._(label), "figures": found.desk.figures[kind]}
            for kind, label in DESK_KINDS.items()
        ],
    }
    return desk, rows


FIXED: dict[str, Any] = {
    "presets": PRESETS,
    "weeks": per_status.WEEKS,
    "min_posts": per_status.MIN_POSTS,
}
"""What every overview page shows the same."""


@get(HOME, name="web:analytics")
async def overview_page(
    request: Request[Any, Any, Any],
    days: str | None = None,
) -> Template:
    who = await _reading(request)
    svc = services(request)
    async with svc.db.read() as session:
        zones = await _zones(session, who, svc.settings.default_time_zone)
        query = request.query_params
        picked = pick(days, query.get("from"), query.get("to"), zones.days)
        span = picked.span
        found, before = await _overview(
            session, who.account_id, span, svc.settings.analytics_raw_days
        )
        series = await dashboard.daily(session, who.account_id, span)
        tags = await dashboard.hashtags(session, who.account_id, span, 10)
        top = (await dashboard.ranked(session, who.account_id, span))[:5]
        best = await per_status.best_times(session, who.account_id, zones.reader)
        desk, campaign_rows = await _business(session, who, span)
        teams = await operators.operated_by(session, who.me.user.id)
    readable = [(who.me.user.account_id, who.me.own or who.me.account)]
    readable += [(a.id, a) for a, role in teams if role in READERS]
    return render(
        request,
        "pages/analytics.html",
        **FIXED,
        me=who.me,
        who=who,
        picked=picked,
        span=span,
        previous=span.previous(),
        found=found,
        before=before,
        figures=_figures(found, before),
        rates=_rates(found, before),
        charts=[
            followers_chart(series, found.followers_start),
            activity_chart(series),
            engagements_chart(found.totals.counts, before.totals.counts),
        ],
        hashtags=hashtags_chart(tags),
        best=best_times_chart(best, zones.reader),
        zones=zones,
        best_source=best.source,
        top=[(p, c, per_status.engagements(c)) for p, c in top],
        desk=desk,
        campaign_rows=campaign_rows,
        query=picked.query() + who.suffix(),
        readable=readable,
    )


@get(f"{HOME}/statuses/{{status_id:str}}", name="web:analytics-status")
async def status_page(request: Request[Any, Any, Any], status_id: str) -> Template:
    who = await _reading(request)
    wanted = id_or_404(status_id)
    async with services(request).db.read() as session:
        post = await per_status.one_of(session, who.account_id, wanted)
        if post is None:
            raise NotFound()
        counts = (await per_status.lifetime(session, who.account_id, [post]))[post.id]
        points = await per_status.over_time(session, post)
    return render(
        request,
        "pages/analytics_status.html",
        me=who.me,
        who=who,
        post=post,
        counts=counts,
        engaged=per_status.engagements(counts),
        names=_engagement_names(),
        drawn=status_chart(points),
    )


async def _drawn(request: Request[Any, Any, Any], who: Reading, name: str) -> Drawn:
    query = request.query_params
    svc = services(request)
    keep = svc.settings.analytics_raw_days
    async with svc.db.read() as session:
        zones = await _zones(session, who, svc.settings.default_time_zone)
        if name == "status":
            wanted = id_or_404(query.get("id") or "")
            post = await per_status.one_of(session, who.account_id, wanted)
            if post is None:
                raise NotFound()
            return status_chart(await per_status.over_time(session, post))
        if name == "best_times":
            found_times = await per_status.best_times(session, who.account_id, zones.reader)
            return best_times_chart(found_times, zones.reader)
        span = pick(query.get("days"), query.get("from"), query.get("to"), zones.days).span
        if name == "hashtags":
            return hashtags_chart(await dashboard.hashtags(session, who.account_id, span, 10))
        if name == "engagements":
            found, before = await _overview(session, who.account_id, span, keep)
            return engagements_chart(found.totals.counts, before.totals.counts)
        series = await dashboard.daily(session, who.account_id, span)
        if name == "activity":
            return activity_chart(series)
        found = await reports.period(session, who.account_id, span, keep)
        return followers_chart(series, found.followers_start)


@get(f"{HOME}/charts/{{file:str}}", name="web:analytics-chart")
async def chart_file(request: Request[Any, Any, Any], file: str) -> Response[bytes]:
    """``<name>.svg`` or ``<name>.png`` (``name`` one of ``CHARTS``; ``status`` takes ``id``)."""
    who = await _reading(request)
    name, _, form = file.rpartition(".")
    if name not in CHARTS or form not in ("svg", "png"):
        raise NotFound()
    drawn = await _drawn(request, who, name)
    body = charts.svg(drawn.chart) if form == "svg" else charts.png(drawn.chart)
    media = "image/svg+xml" if form == "svg" else "image/png"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{form}"'},
    )


@get(f"{HOME}/export", name="web:analytics-export")
async def export_file(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The API's export (``dataset`` daily or statuses, ``format`` csv or parquet) for the
    session's account."""
    who = await _reading(request)
    query = request.query_params
    dataset, form = query.get("dataset") or "daily", query.get("format") or "csv"
    if dataset not in ("daily", "statuses") or form not in FORMATS:
        raise NotFound()
    svc = services(request)
    async with svc.db.read() as session:
        zones = await _zones(session, who, svc.settings.default_time_zone)
        span = pick(query.get("days"), query.get("from"), query.get("to"), zones.days).span
        if dataset == "daily":
            rows = await dashboard.daily_rows(session, who.account_id, span)
            columns = exports.DAILY_COLUMNS
        else:
            rows = dashboard.status_rows(await dashboard.ranked(session, who.account_id, span))
            columns = exports.STATUS_COLUMNS
    body = exports.as_csv(columns, rows) if form == "csv" else exports.as_parquet(columns, rows)
    return Response(
        body,
        media_type=FORMATS[form],
        headers={"Content-Disposition": f'attachment; filename="analytics-{dataset}.{form}"'},
    )


ROUTES = [overview_page, status_page, chart_file, export_file]
