"""The business features' figures of an account (docs/api.md, "Analytics"; docs/metrics.md,
the dictionary's desk, contest and newsletter metrics):

- ``GET /api/porina/v1/analytics/business?from=&to=`` — the desk's response times and
  conversations, contest entries and newsletter sign-ups of a period, against the period
  before, as ``…/overview`` gives the social figures (the same readers, days and zone).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get

from porina.analytics import reports
from porina.api.mastodon.auth import services_of
from porina.api.porina.analytics import BASE, account_of, span_of
from porina.api.porina.desk_metrics import DeskFigures, figures_entity
from porina.render import business_figures


class AnalyticsDesk(msgspec.Struct, kw_only=True):
    opened: int
    resolved: int
    first_response: DeskFigures
    reply: DeskFigures
    resolution: DeskFigures


class AnalyticsContests(msgspec.Struct, kw_only=True):
    entries: int
    entrants: int


class AnalyticsNewsletter(msgspec.Struct, kw_only=True):
    confirmed: int
    unsubscribed: int
    sent: int
    """Mails of the campaigns that started in the period (as bounced and clicks)."""
    bounced: int
    clicks: int


class AnalyticsBusinessPeriod(msgspec.Struct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str
    desk: AnalyticsDesk | None
    """Null for an account no team operates (it has no desk)."""
    contests: AnalyticsContests
    newsletter: AnalyticsNewsletter


class AnalyticsBusiness(AnalyticsBusinessPeriod, kw_only=True):
    time_zone: str
    previous: AnalyticsBusinessPeriod


def _period(when: reports.Span, found: business_figures.Business) -> AnalyticsBusinessPeriod:
    desk = None
    if found.desk is not None:
        times = found.desk.figures
        desk = AnalyticsDesk(
            opened=found.desk.opened,
            resolved=found.desk.resolved,
            first_response=figures_entity(times["first_response"]),
            reply=figures_entity(times["reply"]),
            resolution=figures_entity(times["resolution"]),
        )
    return AnalyticsBusinessPeriod(
        from_=when.first.isoformat(),
        to=when.last.isoformat(),
        desk=desk,
        contests=AnalyticsContests(entries=found.contest_entries, entrants=found.contest_entrants),
        newsletter=AnalyticsNewsletter(
            confirmed=found.newsletter_confirmed,
            unsubscribed=found.newsletter_unsubscribed,
            sent=found.newsletter_sent,
            bounced=found.newsletter_bounced,
            clicks=found.newsletter_clicks,
        ),
    )


@get(f"{BASE}/business")
async def analytics_business(request: Request[Any, Any, Any]) -> AnalyticsBusiness:
    """The period ``from``..``to`` (default the last 28 days) and the one just before it."""
    viewer, params, account_id = await account_of(request)
    when = await span_of(request, viewer, params)
    before = when.previous()
    async with services_of(request).db.read() as session:
        found = await business_figures.period(session, account_id, when.start, when.end)
        earlier = await business_figures.period(session, account_id, before.start, before.end)
    now_ = _period(when, found)
    return AnalyticsBusiness(
        **{f: getattr(now_, f) for f in now_.__struct_fields__},
        time_zone=when.zone,
        previous=_period(before, earlier),
    )


ROUTES = [analytics_business]
