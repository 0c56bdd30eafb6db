"""What the desk's web pages show beyond ``queries``: the rows of an inbox page and the
entries of a conversation, with the people's accounts and the staff names looked up in one
query each (no per-row query)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.desk.inbox import LIGHT
from porina.desk.metrics_models import DeskBusinessHours
from porina.desk.models import DeskItem
from porina.desk.moods import MESSAGES
from porina.desk.queries import Listed
from porina.desk.service_levels import NO_SLA, Sla
from porina.posts.models import Status

EXCERPT = 140


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    contact: Account
    excerpt: str
    status: str
    assignee: str | None
    priority: str | None
    labels: list[str]
    sentiment: str | None
    last_activity_at: datetime
    sla: Sla = NO_SLA


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    kind: str
    text: str | None
    author: str
    staff: str | None
    sentiment: str | None
    created_at: datetime
    conversation_id: int = 0
    correctable: bool = False
    """An incoming message, whose sentiment staff may correct (``moods.override``)."""


async def _accounts(session: AsyncSession, ids: set[int]) -> dict[int, Account]:
    if not ids:
        return {}
    rows = await session.scalars(select(Account).where(Account.id.in_(ids)))
    return {a.id: a for a in rows}


async def _staff_names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, Account.display_name, Account.username)
        .join(Account, Account.id == User.account_id)
        .where(User.id.in_(user_ids))
    )
    return {uid: shown or name for uid, shown, name in rows.all()}


async def _last_texts(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    worded = or_(DeskItem.text.is_not(None), DeskItem.status_id.is_not(None))
    latest = (
        select(func.max(DeskItem.id))
        .where(DeskItem.conversation_id.in_(ids), worded, DeskItem.kind.not_in(LIGHT))
        .group_by(DeskItem.conversation_id)
    )
    rows = await session.execute(
        select(DeskItem.conversation_id, DeskItem.text, Status.text)
        .outerjoin(Status, Status.id == DeskItem.status_id)
        .where(DeskItem.id.in_(latest))
    )
    return {cid: (own or posted or "")[:EXCERPT] for cid, own, posted in rows.all()}


async def _status_texts(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Status.id, Status.text).where(Status.id.in_(ids)))
    return {sid: text for sid, text in rows.all()}


async def rows(
    session: AsyncSession, listed: list[Listed], slas: Mapping[int, Sla] | None = None
) -> list[Row]:
    """The inbox rows of a page of ``queries.page``, with their SLA from ``slas``
    (``service_levels.slas``) when given."""
    convs = [entry.conversation for entry in listed]
    contacts = await _accounts(session, {c.contact_account_id for c in convs})
    names = await _staff_names(session, {c.assignee_user_id for c in convs if c.assignee_user_id})
    texts = await _last_texts(session, [c.id for c in convs])
    return [
        Row(
            id=c.id,
            contact=contacts[c.contact_account_id],
            excerpt=texts.get(c.id, ""),
            status=entry.status,
            assignee=names.get(c.assignee_user_id) if c.assignee_user_id else None,
            priority=c.priority,
            labels=list(c.labels or []),
            sentiment=c.sentiment,
            last_activity_at=c.last_activity_at,
            sla=(slas or {}).get(c.id, NO_SLA),
        )
        for entry, c in zip(listed, convs, strict=True)
        if c.contact_account_id in contacts
    ]


async def entries(session: AsyncSession, items: list[DeskItem]) -> list[Entry]:
    """A conversation's items as its page shows them, oldest first."""
    authors = await _accounts(session, {i.account_id for i in items})
    names = await _staff_names(session, {i.operator_user_id for i in items if i.operator_user_id})
    posted = await _status_texts(session, {i.status_id for i in items if i.status_id})
    return [
        Entry(
            id=i.id,
            kind=i.kind,
            text=i.text or (posted.get(i.status_id) if i.status_id else None),
            author=_name(authors.get(i.account_id)),
            staff=names.get(i.operator_user_id) if i.operator_user_id else None,
            sentiment=i.sentiment,
            created_at=i.created_at,
            conversation_id=i.conversation_id,
            correctable=i.kind in MESSAGES,
        )
        for i in items
    ]


def _name(account: Account | None) -> str:
    if account is None:
        return "?"
    return account.display_name or account.username


async def zone_of(session: AsyncSession, brand_id: int) -> ZoneInfo:
    """The brand's time zone (its business hours'), else UTC."""
    hours = await session.get(DeskBusinessHours, brand_id)
    try:
        return ZoneInfo(hours.time_zone if hours else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


SNOOZE_PICKS = ("hour", "tomorrow", "monday")


def snooze_pick(pick: str, moment: datetime, zone: ZoneInfo) -> datetime | None:
    """A quick pick's time: in an hour, tomorrow 9:00 or next Monday 9:00 in ``zone``
    (next Monday is a week away on a Monday); None for an unknown pick."""
    if pick == "hour":
        return moment + timedelta(hours=1)
    local = moment.astimezone(zone)
    if pick == "tomorrow":
        days = 1
    elif pick == "monday":
        days = 7 - local.weekday()
    else:
        return None
    day = (local + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone)


def local_input(moment: datetime, zone: ZoneInfo) -> str:
    """``moment`` as an ``<input type="datetime-local">`` value in ``zone``."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def parse_local(value: str, zone: ZoneInfo) -> datetime | None:
    """A ``datetime-local`` value read in ``zone`` (an offset given wins); None if not one."""
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=zone)
