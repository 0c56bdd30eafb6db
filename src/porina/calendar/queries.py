"""Reading the content calendar: a brand's posts between two local dates (docs/calendar.md).

``entries`` lists, for each brand with its time zone, everything on its calendar whose time
falls from the start of ``first`` to the end of ``last`` in that zone:

- the calendar's drafts (every state but ``deleted``) at their planned time, a published one
  at the time it was published;
- the brand's scheduled statuses made through the Mastodon API (``scheduled_statuses``), as
  ``scheduled``;
- the brand's posts (not boosts, not deleted) as ``published``, but those a draft made (the
  draft stands for them).

At most ``LIMIT`` of each kind per brand, soonest first. Drafts with no time are listed by
``unplanned``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.calendar.content import zone
from porina.calendar.errors import InvalidRange
from porina.calendar.models import CalendarDraft
from porina.calendar.models import CalendarDraftTransition as T
from porina.core.clock import aware
from porina.core.i18n import N_
from porina.core.ids import id_at
from porina.posts.models import ScheduledStatus, Status

LIMIT = 500
MAX_DAYS = 92
"""The longest range one read covers (a quarter): a month view is at most 42 days."""
FIRST_DAY = date(1970, 1, 2)
LAST_DAY = date(2999, 12, 30)
"""A day's local midnight in any zone stays inside the calendar both databases share."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One post on the calendar. ``kind``: ``draft``, ``scheduled_status`` or ``status``;
    ``at`` is UTC (None for an unplanned draft); ``zone`` the brand's."""

    kind: str
    id: int
    brand_account_id: int
    state: str
    text: str
    at: datetime | None
    zone: str
    status_id: int | None = None
    review_comment: str | None = None
    missed_reason: str | None = None
    author_user_id: int | None = None

    @property
    def local(self) -> datetime | None:
        return None if self.at is None else self.at.astimezone(zone(self.zone))


def window(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC moments ``first`` begins and the day after ``last`` begins in the zone."""
    tz = zone(zone_name)
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return start, end


def draft_entry(row: CalendarDraft, zone_name: str) -> Entry:
    at = row.published_at if row.state == "published" else row.planned_at
    return Entry(
        kind="draft",
        id=row.id,
        brand_account_id=row.brand_account_id,
        state=row.state,
        text=row.spoiler_text or row.text,
        at=aware(at) if at is not None else None,
        zone=zone_name,
        status_id=row.published_status_id,
        review_comment=row.review_comment,
        missed_reason=row.missed_reason,
        author_user_id=row.author_user_id,
    )


async def _drafts(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime
) -> list[CalendarDraft]:
    planned = select(CalendarDraft).where(
        CalendarDraft.brand_account_id == brand_id,
        CalendarDraft.state.not_in(("deleted", "published")),
        CalendarDraft.planned_at >= start,
        CalendarDraft.planned_at < end,
    )
    published = select(CalendarDraft).where(
        CalendarDraft.brand_account_id == brand_id,
        CalendarDraft.state == "published",
        CalendarDraft.published_at >= start,
        CalendarDraft.published_at < end,
    )
    rows = list(await session.scalars(planned.order_by(CalendarDraft.planned_at).limit(LIMIT)))
    rows += list(await session.scalars(published.limit(LIMIT)))
    return rows


async def _scheduled(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime, zone_name: str
) -> list[Entry]:
    rows = await session.scalars(
        select(ScheduledStatus)
        .where(
            ScheduledStatus.account_id == brand_id,
            ScheduledStatus.scheduled_at >= start,
            ScheduledStatus.scheduled_at < end,
        )
        .order_by(ScheduledStatus.scheduled_at)
        .limit(LIMIT)
    )
    return [
        Entry(
            kind="scheduled_status",
            id=r.id,
            brand_account_id=brand_id,
            state="scheduled",
            text=str((r.params or {}).get("text") or ""),
            at=aware(r.scheduled_at),
            zone=zone_name,
            author_user_id=r.created_by_user_id,
        )
        for r in rows
    ]


async def _statuses(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime, zone_name: str
) -> list[Entry]:
    rows = await session.execute(
        select(Status.id, Status.text, Status.spoiler_text, Status.created_at)
        .where(
            Status.account_id == brand_id,
            Status.id >= id_at(start - timedelta(minutes=1)),
            Status.id < id_at(end + timedelta(minutes=1)),
            Status.created_at >= start,
            Status.created_at < end,
            Status.reblog_of_id.is_(None),
            Status.deleted_at.is_(None),
        )
        .order_by(Status.id)
        .limit(LIMIT)
    )
    return [
        Entry(
            kind="status",
            id=status_id,
            brand_account_id=brand_id,
            state="published",
            text=spoiler or text or "",
            at=aware(created),
            zone=zone_name,
            status_id=status_id,
        )
        for status_id, text, spoiler, created in rows
    ]


async def brand_entries(
    session: AsyncSession, brand_id: int, zone_name: str, first: date, last: date
) -> list[Entry]:
    """One brand's calendar from ``first`` to ``last`` (local dates), soonest first."""
    start, end = window(first, last, zone_name)
    drafts = await _drafts(session, brand_id, start, end)
    made = {d.published_status_id for d in drafts if d.published_status_id is not None}
    found = [draft_entry(d, zone_name) for d in drafts]
    found += await _scheduled(session, brand_id, start, end, zone_name)
    found += [
        e for e in await _statuses(session, brand_id, start, end, zone_name) if e.id not in made
    ]
    return sorted(found, key=lambda e: (e.at or start, e.id))


async def unplanned(session: AsyncSession, brand_id: int, zone_name: str) -> list[Entry]:
    """The brand's drafts with no time yet (newest first)."""
    rows = await session.scalars(
        select(CalendarDraft)
        .where(
            CalendarDraft.brand_account_id == brand_id,
            CalendarDraft.planned_at.is_(None),
            CalendarDraft.state.not_in(("deleted", "published")),
        )
        .order_by(CalendarDraft.id.desc())
        .limit(LIMIT)
    )
    return [draft_entry(r, zone_name) for r in rows]


Move = tuple[str | None, str, int | None, str | None, datetime]
"""One change of a draft's state: (from, to, user id, comment, at)."""


async def histories(session: AsyncSession, draft_ids: list[int]) -> dict[int, list[Move]]:
    """Each draft's changes of state, oldest first, in one read."""
    found: dict[int, list[Move]] = {i: [] for i in draft_ids}
    if not draft_ids:
        return found
    rows = await session.execute(
        select(T.draft_id, T.from_state, T.to_state, T.user_id, T.comment, T.at)
        .where(T.draft_id.in_(draft_ids))
        .order_by(T.draft_id, T.id)
    )
    for draft_id, a, b, c, d, e in rows:
        found[draft_id].append((a, b, c, d, aware(e)))
    return found


def _day(value: str | None, name: str) -> date:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidRange.filled(
            N_("Validation failed: %(field)s must be a date (YYYY-MM-DD)"), field=name
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidRange.filled(
            N_("Validation failed: %(field)s must be a date (YYYY-MM-DD)"), field=name
        )
    return day


def days(first: str | None, last: str | None) -> tuple[date, date]:
    """``from`` and ``to`` (local dates, both included), or a 422: each a date between
    1970-01-02 and 2999-12-30, ``to`` not before ``from``, at most ``MAX_DAYS`` apart."""
    start, end = _day(first, "from"), _day(last, "to")
    if end < start:
        raise InvalidRange("Validation failed: to must not be before from")
    if (end - start).days >= MAX_DAYS:
        raise InvalidRange(f"Validation failed: the range must be at most {MAX_DAYS} days")
    return start, end
