"""A person's analytics preferences (issue 17): whether they get the weekly report by e-mail
(``weekly``) and their time zone (an IANA name: the weekly report goes on Monday 07:00 there,
the best-times heatmap is drawn in it). Kept in the person's ``users.settings``; changed only
by ``update``, which emits ``ProfileUpdated`` naming the setting (the API, the settings page
and the report's unsubscribe link all go through it). A person who has not chosen a zone is
in the instance's (``PORINA_DEFAULT_TIME_ZONE``, UTC unless set): callers pass it as
``default``.

``dashboard_zone`` says which zone a dashboard's days are in: the reader's for their own
account, UTC for a brand's (its team may sit in several zones; the rollups are UTC days)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import User
from porina.core.actor import Actor
from porina.core.errors import Unprocessable
from porina.core.events import ProfileUpdated
from porina.jobs.events import emit
from porina.storage.db import Tx

WEEKLY = "analytics_weekly_report"
ZONE = "time_zone"
DEFAULT_ZONE = "UTC"


class InvalidPreference(Unprocessable):
    code = "analytics_preference_invalid"


@dataclass(frozen=True, slots=True)
class Preferences:
    weekly_report: bool
    time_zone: str


def zones() -> list[str]:
    """The IANA time zones this machine knows, sorted (the settings page's choice)."""
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def checked_zone(value: object) -> str:
    """``value`` as a known IANA zone name, or a 422."""
    name = value.strip() if isinstance(value, str) else ""
    try:
        if name and "/" not in name and name != "UTC":
            raise KeyError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        raise InvalidPreference(
            "Validation failed: time_zone must be an IANA time zone such as Europe/Helsinki"
        ) from None
    return name


def wants(user_settings: dict[str, Any] | None, default: bool) -> bool:
    value = (user_settings or {}).get(WEEKLY)
    return default if value is None else bool(value)


def zone_of(user_settings: dict[str, Any] | None, default: str = DEFAULT_ZONE) -> str:
    return str((user_settings or {}).get(ZONE) or default)


async def of(session: AsyncSession, user_id: int, default: str = DEFAULT_ZONE) -> Preferences:
    found = await session.scalar(select(User.settings).where(User.id == user_id))
    return Preferences(wants(found, True), zone_of(found, default))


async def dashboard_zone(
    session: AsyncSession, user_id: int | None, own: bool, default: str = DEFAULT_ZONE
) -> str:
    """The zone whose days a dashboard shows: the reader's (``user_id``) when the account
    is their own (``own``), else UTC."""
    if not own or user_id is None:
        return DEFAULT_ZONE
    return (await of(session, user_id, default)).time_zone


async def update(
    tx: Tx,
    user_id: int,
    *,
    weekly_report: bool | None = None,
    time_zone: str | None = None,
    default_zone: str = DEFAULT_ZONE,
) -> Preferences:
    """Change what is given (a time zone is checked first: nothing is written for a bad
    one); each change that is one emits ``ProfileUpdated`` with ``changed`` naming it."""
    zone = checked_zone(time_zone) if time_zone is not None else None
    user = await tx.session.get(User, user_id)
    if user is None:
        return Preferences(weekly_report is not False, zone or default_zone)
    current = dict(user.settings or {})
    wanted = {WEEKLY: weekly_report, ZONE: zone}
    changed = [k for k, v in wanted.items() if v is not None and current.get(k) != v]
    if changed:
        current.update({k: wanted[k] for k in changed})
        await tx.session.execute(
            sql_update(User).where(User.id == user_id).values(settings=current)
        )
        actor = Actor(user.account_id, user.id)
        for name in changed:
            await emit(tx, ProfileUpdated(actor=actor, account_id=user.account_id, changed=name))
    return Preferences(wants(current, True), zone_of(current, default_zone))
