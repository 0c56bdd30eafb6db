"""An account's business figures for a period, beside its social ones (issue 17: "desk and
campaign figures join the dashboards"): the desk's response times and conversations
(``desk/metrics.py``), its contests' entries (``campaigns/contest_figures.py``) and its
newsletter's sign-ups and unsubscribes (``newsletter/signup_figures.py``) and its campaigns'
mails sent, bounces and clicks (``newsletter/results.py``). The metric
dictionary defines each (``analytics/dictionary.py``, ``BUSINESS``); the API
(``GET /api/porina/v1/analytics/business``) and the dashboard page show the same numbers.
Only aggregates: no conversation, entrant or address leaves here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import AccountOperator
from porina.campaigns import contest_figures
from porina.desk import metrics as desk_metrics
from porina.newsletter import results as newsletter_results
from porina.newsletter import signup_figures


@dataclass(frozen=True, slots=True)
class Business:
    desk: desk_metrics.Report | None
    """None for an account no team operates (it has no desk)."""
    contest_entries: int
    contest_entrants: int
    newsletter_confirmed: int
    newsletter_unsubscribed: int
    newsletter_sent: int
    newsletter_bounced: int
    newsletter_clicks: int


async def _has_team(session: AsyncSession, account_id: int) -> bool:
    found = await session.scalar(select(exists().where(AccountOperator.account_id == account_id)))
    return bool(found)


async def period(
    session: AsyncSession, account_id: int, start: datetime, end: datetime
) -> Business:
    """The figures of ``[start, end)``."""
    desk = None
    if await _has_team(session, account_id):
        desk = await desk_metrics.report(session, account_id, start, end)
    entries, entrants = await contest_figures.entries(session, account_id, start, end)
    confirmed, unsubscribed = await signup_figures.signups(session, account_id, start, end)
    mailed = await newsletter_results.brand_period(session, account_id, start, end)
    return Business(
        desk,
        entries,
        entrants,
        confirmed,
        unsubscribed,
        mailed.sent,
        mailed.bounced,
        mailed.clicks,
    )
