"""The weekly report by e-mail (issue 17, point 4): every Monday from 07:00 in the recipient's
time zone (``time_zone`` in their settings, else the instance's ``default_time_zone``), the
key figures of the last week (Monday to Sunday) against the week before, as HTML with a
plain-text alternative and a PDF, through the mail outbox, in the recipient's language. The
hourly job (at minute 5) queues the reports of everyone whose Monday 07:00 has come, so a
report goes between 07:05 and 08:05 local time whatever the zone's offset that week. The
days of a person's own account are days in their zone (as their dashboard shows them); a
brand's are UTC days (as its dashboard shows them).

Who gets it: a person for their own account, and for a brand its operators with the owner,
manager or analyst role. Each person's setting ``analytics_weekly_report`` (in their user
settings) says yes or no; unset, it is yes for owners (a person's own account, a brand's
owner) and no for managers and analysts. Every mail carries an unsubscribe link
(``/analytics/weekly/unsubscribe?token=…``, an HMAC of the user and account) that turns the
setting off. ``analytics_weekly_reports`` keeps the weeks sent, so a week goes once.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from matplotlib import rc_context
from matplotlib.figure import Figure
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, AccountOperator, User
from porina.analytics import figures, preferences
from porina.analytics.models import AnalyticsWeeklyReport
from porina.core.clock import now
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.mail import outbox, templates
from porina.mail.compose import Attachment, Draft
from porina.settings import Settings
from porina.storage.db import Database, Tx

log = logging.getLogger(__name__)

SETTING = preferences.WEEKLY
PDF = "application/pdf"
SEND_FROM = time(7, 0)
"""Monday's local time from which the report goes."""
ROLES = {"owner": True, "manager": False, "analyst": False}
"""Operator roles that may get it, and the default of their setting."""
FIGURES = ("impressions", "reach", "engagements", "posts", "followers_net", "profile_visits")
LABELS = {
    "en": {
        "impressions": "Impressions",
        "reach": "Reach",
        "engagements": "Engagements",
        "posts": "Posts",
        "followers_net": "Net follower growth",
        "profile_visits": "Profile visits",
    },
    "fi": {
        "impressions": "Näyttökerrat",
        "reach": "Tavoittavuus",
        "engagements": "Sitoutumiset",
        "posts": "Julkaisut",
        "followers_net": "Seuraajien nettokasvu",
        "profile_visits": "Profiilikäynnit",
    },
}


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    email: str
    locale: str
    time_zone: str
    account_id: int
    username: str
    own: bool = True
    """The report is about the person's own account (not a brand they operate)."""

    @property
    def days_zone(self) -> str:
        """The zone of the report's days: the person's for their own account, else UTC."""
        return self.time_zone if self.own else figures.UTC_ZONE


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    value: int
    previous: int

    @property
    def change(self) -> str:
        delta = self.value - self.previous
        return f"+{delta}" if delta > 0 else str(delta)


wants = preferences.wants


def week_of(moment: datetime, time_zone: str) -> date | None:
    """The Monday (a date) whose report is due at ``moment`` in ``time_zone``: from
    ``SEND_FROM`` to midnight that Monday (the hourly job's runs), else None. The report
    covers the 7 days before it."""
    local = moment.astimezone(figures.tz(time_zone))
    if local.weekday() != 0 or local.time() < SEND_FROM:
        return None
    return local.date()


async def recipients(
    session: AsyncSession, default_zone: str = preferences.DEFAULT_ZONE
) -> list[Recipient]:
    """Everyone who asked (or by default gets) a report, with the account it is about;
    ``default_zone`` is the zone of those who chose none."""
    out: list[Recipient] = []
    own = select(User, Account).join(Account, Account.id == User.account_id)
    for user, account in await session.execute(
        own.where(Account.domain.is_(None), User.disabled.is_(False))
    ):
        if wants(user.settings, True):
            out.append(_recipient(user, account, default_zone))
    operated = (
        select(User, Account, AccountOperator.role)
        .join(AccountOperator, AccountOperator.user_id == User.id)
        .join(Account, Account.id == AccountOperator.account_id)
        .where(AccountOperator.role.in_(list(ROLES)), User.disabled.is_(False))
    )
    for user, account, role in await session.execute(operated):
        if account.id != user.account_id and wants(user.settings, ROLES[role]):
            out.append(_recipient(user, account, default_zone))
    return out


def _recipient(user: User, account: Account, default_zone: str) -> Recipient:
    settings = user.settings or {}
    return Recipient(
        user_id=user.id,
        email=user.email,
        locale=user.locale,
        time_zone=preferences.zone_of(settings, default_zone),
        account_id=account.id,
        username=account.username,
        own=account.id == user.account_id,
    )


async def rows(
    session: AsyncSession,
    account_id: int,
    monday: date,
    locale: str,
    zone: str = figures.UTC_ZONE,
) -> list[Row]:
    """The figures of the 7 days before ``monday`` and of the 7 before those (days in
    ``zone``)."""
    week = (monday - timedelta(days=7), monday - timedelta(days=1))
    before = (week[0] - timedelta(days=7), week[0] - timedelta(days=1))
    found = await figures.totals(session, account_id, *week, zone=zone)
    earlier = await figures.totals(session, account_id, *before, zone=zone)
    labels = LABELS["fi" if locale == "fi" else "en"]

    def value(t: figures.Totals, key: str) -> int:
        if key == "reach":
            return t.reach
        if key == "engagements":
            return t.engagements()
        if key == "followers_net":
            return t.counts["followers_gained"] - t.counts["followers_lost"]
        return t.counts[key]

    return [Row(k, labels[k], value(found, k), value(earlier, k)) for k in FIGURES]


def token(settings: Settings, user_id: int, account_id: int) -> str:
    message = f"weekly:{user_id}:{account_id}".encode()
    digest = hmac.new(settings.resolved_secret().encode(), message, hashlib.sha256).hexdigest()
    return f"{user_id}.{account_id}.{digest[:32]}"


def read_token(settings: Settings, value: str) -> tuple[int, int] | None:
    """(user id, account id) of a genuine unsubscribe token, else None."""
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    user_id, account_id = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(token(settings, user_id, account_id), value):
        return None
    return user_id, account_id


def pdf(title: str, period: str, table: list[Row], locale: str) -> bytes:
    """A one-page PDF of the figures (matplotlib, the PDF core fonts, uncompressed text)."""
    head = (
        ("Luku", "Viikko", "Edellinen", "Muutos")
        if locale == "fi"
        else (
            "Figure",
            "Week",
            "Previous",
            "Change",
        )
    )
    with rc_context(
        {"pdf.use14corefonts": True, "pdf.compression": 0, "font.family": "sans-serif"}
    ):
        fig = Figure(figsize=(8.27, 11.69))
        fig.text(0.08, 0.94, title, fontsize=18)
        fig.text(0.08, 0.91, period, fontsize=11)
        y = 0.85
        for x, text in zip((0.08, 0.5, 0.66, 0.82), head, strict=True):
            fig.text(x, y, text, fontsize=11, weight="bold")
        for row in table:
            y -= 0.035
            cells = (row.label, str(row.value), str(row.previous), row.change)
            for x, text in zip((0.08, 0.5, 0.66, 0.82), cells, strict=True):
                fig.text(x, y, text, fontsize=11)
        out = io.BytesIO()
        fig.savefig(out, format="pdf")
    return out.getvalue()


async def draft(session: AsyncSession, settings: Settings, who: Recipient, monday: date) -> Draft:
    table = await rows(session, who.account_id, monday, who.locale, who.days_zone)
    first, last = monday - timedelta(days=7), monday - timedelta(days=1)
    period = f"{first.isoformat()} - {last.isoformat()}"
    link = f"{settings.base_url}/analytics/weekly/unsubscribe?" + urlencode(
        {"token": token(settings, who.user_id, who.account_id)}
    )
    context = {
        "username": who.username,
        "instance": settings.instance_title,
        "base_url": settings.base_url,
        "period": period,
        "zone": who.days_zone,
        "rows": table,
        "unsubscribe": link,
        "dashboard": f"{settings.base_url}/analytics",
    }
    rendered = templates.render("weekly_report", who.locale, context)
    document = pdf(rendered.subject, f"{period} ({who.days_zone})", table, who.locale)
    return Draft(
        to=who.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        kind="weekly_report",
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        attachments=(
            Attachment(f"porina-{who.username}-{first}.pdf", "application/pdf", document),
        ),
    )


async def send_due(db: Database, settings: Settings, moment: datetime) -> int:
    """Queue every report due at ``moment`` and not sent yet; how many were queued."""
    async with db.read() as session:
        everyone = await recipients(session, settings.default_time_zone)
        sent = {
            (r.account_id, r.user_id, r.week)
            for r in await session.scalars(
                select(AnalyticsWeeklyReport).where(
                    AnalyticsWeeklyReport.week >= moment.date() - timedelta(days=2)
                )
            )
        }
    queued = 0
    for who in everyone:
        monday = week_of(moment, who.time_zone)
        if monday is None or (who.account_id, who.user_id, monday) in sent:
            continue
        async with db.transaction() as tx:
            await _queue(tx, settings, who, monday)
        queued += 1
    return queued


async def _queue(tx: Tx, settings: Settings, who: Recipient, monday: date) -> None:
    message = await draft(tx.session, settings, who, monday)
    await outbox.queue(tx, message)
    tx.session.add(
        AnalyticsWeeklyReport(
            account_id=who.account_id, user_id=who.user_id, week=monday, sent_at=now()
        )
    )


async def set_wanted(tx: Tx, user_id: int, enabled: bool) -> None:
    """The API's switch and the unsubscribe link: the person's ``analytics_weekly_report``
    setting (for every account they get reports of), through ``preferences.update``."""
    await preferences.update(tx, user_id, weekly_report=enabled)


async def wanted(session: AsyncSession, user_id: int) -> bool:
    """The person's setting, as their own account's report reads it (default yes)."""
    return (await preferences.of(session, user_id)).weekly_report


@recurring("analytics.weekly_report", every=timedelta(hours=1), at=timedelta(minutes=5))
async def weekly_reports(ctx: JobContext, period: Period) -> None:
    queued = await send_due(ctx.db, ctx.settings, now())
    log.info("queued %d weekly report(s) for the hour from %s", queued, period.start)
