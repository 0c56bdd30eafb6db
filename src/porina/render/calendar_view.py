"""The content calendar as both front ends show it (the API's ``/api/porina/v1/calendar`` and
``/drafts``, the web's ``/calendar`` pages): whose calendar, in which time zone, and a draft
with its history by name.

A brand's time zone is its desk's business-hours zone (``desk_business_hours``, set on the
desk's settings) and, for a brand that has set none, the instance's
(``PORINA_DEFAULT_TIME_ZONE``). The calendar of a staff member covers every brand account they
serve (their role on it, analysts included, as ``accounts.operators.operated_by`` lists them)
and the account they act as; ``account_id`` narrows it to one of those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.accounts.operators import operated_by
from porina.calendar import queries
from porina.calendar.errors import DraftNotFound
from porina.calendar.models import CalendarDraft
from porina.core.actor import Actor
from porina.desk.metrics_models import DeskBusinessHours

FAR = datetime(3000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Brand:
    account: Account
    zone: str


@dataclass(frozen=True, slots=True)
class Step:
    from_state: str | None
    to_state: str
    by: Account | None
    comment: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class DraftView:
    draft: CalendarDraft
    zone: str
    author: Account | None
    history: list[Step]


async def brand_zone(session: AsyncSession, brand_id: int, default: str) -> str:
    hours = await session.get(DeskBusinessHours, brand_id)
    return hours.time_zone if hours is not None else default


async def brands(
    session: AsyncSession, actor: Actor, default: str, only: int | None = None
) -> list[Brand]:
    """The accounts whose calendars the caller reads (the acting one first); ``only`` one of
    them (404 for any other)."""
    accounts: list[Account] = []
    acting = await session.get(Account, actor.account_id)
    if acting is not None:
        accounts.append(acting)
    if actor.user_id is not None:
        accounts += [
            a for a, _ in await operated_by(session, actor.user_id) if a.id != actor.account_id
        ]
    if only is not None:
        accounts = [a for a in accounts if a.id == only]
        if not accounts:
            raise DraftNotFound()
    return [Brand(a, await brand_zone(session, a.id, default)) for a in accounts]


async def entries(
    session: AsyncSession, served: list[Brand], first: date, last: date
) -> list[tuple[Brand, queries.Entry]]:
    """Every served brand's calendar from ``first`` to ``last`` (each in its own zone),
    soonest first."""
    found: list[tuple[Brand, queries.Entry]] = []
    for brand in served:
        rows = await queries.brand_entries(session, brand.account.id, brand.zone, first, last)
        found += [(brand, e) for e in rows]
    return sorted(found, key=lambda pair: (pair[1].at or FAR, pair[1].id))


async def _accounts_of_users(session: AsyncSession, user_ids: set[int]) -> dict[int, Account]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, Account)
        .join(Account, Account.id == User.account_id)
        .where(User.id.in_(user_ids))
    )
    return {user_id: account for user_id, account in rows}


async def draft_views(
    session: AsyncSession, drafts: list[CalendarDraft], zone: str
) -> list[DraftView]:
    """The drafts with their authors and histories, each step by the staff member's account
    (two reads, however many drafts)."""
    steps = await queries.histories(session, [d.id for d in drafts])
    users = {s[2] for moves in steps.values() for s in moves if s[2] is not None}
    users |= {d.author_user_id for d in drafts if d.author_user_id is not None}
    names = await _accounts_of_users(session, users)

    def by(user_id: int | None) -> Account | None:
        return names.get(user_id) if user_id is not None else None

    return [
        DraftView(
            d,
            zone,
            by(d.author_user_id),
            [Step(a, b, by(c), e, f) for a, b, c, e, f in steps[d.id]],
        )
        for d in drafts
    ]


async def draft_view(session: AsyncSession, draft: CalendarDraft, zone: str) -> DraftView:
    return (await draft_views(session, [draft], zone))[0]


async def brand_drafts(
    session: AsyncSession, brand_id: int, limit: int = 200
) -> list[CalendarDraft]:
    """The brand's drafts not deleted, newest first."""
    rows = await session.scalars(
        select(CalendarDraft)
        .where(CalendarDraft.brand_account_id == brand_id, CalendarDraft.state != "deleted")
        .order_by(CalendarDraft.id.desc())
        .limit(limit)
    )
    return list(rows)
