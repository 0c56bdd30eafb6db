"""Reading notifications and markers (read-only).

A notification is shown only while its status is still visible to the recipient
(``visible_clause``) and its sender is neither blocked (either way), suspended, nor muted with
notifications hidden.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, Mute
from porina.core.clock import now
from porina.notifications.models import Marker, Notification
from porina.posts.models import Status
from porina.posts.queries import VIEWER
from porina.posts.visibility import blocked_either_way, visible_clause
from porina.storage.base import UTCDateTime
from porina.storage.fastread import Prebuilt

NS = aliased(Status, name="ns")
SENDER = aliased(Account, name="sender")
MARKER_TIMELINES = ("home", "notifications")
DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    types: frozenset[str] = frozenset()
    exclude_types: frozenset[str] = frozenset()
    account_id: int | None = None
    include_filtered: bool = False


def shown_clause(
    viewer_id: Any, moment: Any = None, *, include_filtered: bool = False
) -> ColumnElement[bool]:
    """Notifications of ``viewer_id`` that may be shown now, filtered ones (held in a
    notification request) only with ``include_filtered``. ``viewer_id`` and ``moment``
    (default: now) may be bound parameters, for prebuilt statements."""
    status_ok = or_(
        Notification.status_id.is_(None),
        exists().where(NS.id == Notification.status_id, visible_clause(NS, viewer_id)),
    )
    sender_ok = ~exists().where(
        SENDER.id == Notification.from_account_id, SENDER.suspended_at.is_not(None)
    )
    muted = exists().where(
        Mute.account_id == viewer_id,
        Mute.target_account_id == Notification.from_account_id,
        Mute.hide_notifications.is_(True),
        or_(Mute.expires_at.is_(None), Mute.expires_at > (now() if moment is None else moment)),
    )
    return and_(
        Notification.account_id == viewer_id,
        Notification.dismissed.is_(False),
        true() if include_filtered else Notification.filtered.is_(False),
        status_ok,
        sender_ok,
        ~muted,
        ~blocked_either_way(viewer_id, Notification.from_account_id),
    )


class NotificationRow(NamedTuple):
    """A notification as ``notification_page`` reads it (driver values)."""

    id: int
    type: str
    group_key: str
    created_at: Any
    from_account_id: int
    from_account_version: int
    status_id: int | None
    report_id: int | None
    filtered: bool


FROM = aliased(Account, name="from_account")
BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
LIMIT = bindparam("porina_limit", type_=Integer)
MOMENT = bindparam("porina_moment", type_=UTCDateTime())
FROM_ID = bindparam("porina_from", type_=BigInteger)
TYPE_SLOTS = 24
"""Notification types a typed page statement takes, one bound parameter each (more than
there are types); unused slots hold ``NO_TYPE``."""
TYPE_IDS = tuple(f"porina_type_{n}" for n in range(TYPE_SLOTS))
NO_TYPE = "-"


@functools.cache
def notification_page(
    *,
    ascending: bool,
    include_filtered: bool = False,
    by_account: bool = False,
    typed: bool = False,
) -> Prebuilt:
    """A page of the viewer's shown notifications with the sender's row version, for the
    status cache; all filters as bound parameters (``porina_viewer``, ``porina_moment``,
    ``porina_below``, ``porina_above``, ``porina_limit``; ``porina_from`` with
    ``by_account``, ``porina_type_0``... with ``typed``: ``page_params``)."""
    order = Notification.id.asc() if ascending else Notification.id.desc()
    conditions: list[Any] = [
        shown_clause(VIEWER, MOMENT, include_filtered=include_filtered),
        Notification.id < BELOW,
        Notification.id > ABOVE,
    ]
    if by_account:
        conditions.append(Notification.from_account_id == FROM_ID)
    if typed:
        slots = [bindparam(name, type_=String) for name in TYPE_IDS]
        conditions.append(Notification.type.in_(slots))
    query = (
        select(
            Notification.id,
            Notification.type,
            Notification.group_key,
            Notification.created_at,
            Notification.from_account_id,
            FROM.version,
            Notification.status_id,
            Notification.report_id,
            Notification.filtered,
        )
        .join(FROM, FROM.id == Notification.from_account_id)
        .where(*conditions)
        .order_by(order)
        .limit(LIMIT)
    )
    return Prebuilt(query)


def page_statement(
    wanted: NotificationFilter, every_type: Iterable[str], *, ascending: bool
) -> tuple[Prebuilt, dict[str, Any]]:
    """``notification_page`` for what ``wanted`` asks (as ``notifications_select``), with
    its parameters beyond the page's own. ``every_type``: the known types, of which
    ``wanted.types`` (or all) less ``wanted.exclude_types`` are shown."""
    include = wanted.include_filtered or wanted.account_id is not None
    params: dict[str, Any] = {}
    typed = bool(wanted.types or wanted.exclude_types)
    if typed:
        shown = sorted((wanted.types or frozenset(every_type)) - wanted.exclude_types)
        if len(shown) > TYPE_SLOTS:
            raise ValueError(f"at most {TYPE_SLOTS} types")
        params.update(zip(TYPE_IDS, [*shown, *[NO_TYPE] * (TYPE_SLOTS - len(shown))], strict=True))
    if wanted.account_id is not None:
        params["porina_from"] = wanted.account_id
    statement = notification_page(
        ascending=ascending,
        include_filtered=include,
        by_account=wanted.account_id is not None,
        typed=typed,
    )
    return statement, params


def notifications_select(viewer_id: int, wanted: NotificationFilter | None = None) -> Select[Any]:
    """Shown notifications; filtered ones too when ``wanted`` includes them or names the
    sender (as Mastodon's ``browserable``)."""
    include = wanted is not None and (wanted.include_filtered or wanted.account_id is not None)
    query = select(Notification).where(shown_clause(viewer_id, include_filtered=include))
    if wanted is not None:
        if wanted.types:
            query = query.where(Notification.type.in_(sorted(wanted.types)))
        if wanted.exclude_types:
            query = query.where(Notification.type.not_in(sorted(wanted.exclude_types)))
        if wanted.account_id is not None:
            query = query.where(Notification.from_account_id == wanted.account_id)
    return query


async def notification(
    session: AsyncSession, viewer_id: int, notification_id: int
) -> Notification | None:
    """One shown notification, filtered or not (Mastodon shows either by id)."""
    found: Notification | None = await session.scalar(
        notifications_select(viewer_id, NotificationFilter(include_filtered=True)).where(
            Notification.id == notification_id
        )
    )
    return found


async def group(
    session: AsyncSession, viewer_id: int, key: str, limit: int = 400
) -> list[Notification]:
    """The shown notifications of one group, newest first."""
    rows = await session.scalars(
        notifications_select(viewer_id)
        .where(Notification.group_key == key)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return list(rows)


async def marker(session: AsyncSession, account_id: int, timeline: str) -> Marker | None:
    found: Marker | None = await session.get(Marker, (account_id, timeline))
    return found


async def markers(session: AsyncSession, account_id: int, timelines: Iterable[str]) -> list[Marker]:
    wanted = [t for t in timelines if t in MARKER_TIMELINES]
    if not wanted:
        return []
    rows = await session.scalars(
        select(Marker).where(Marker.account_id == account_id, Marker.timeline.in_(wanted))
    )
    return list(rows)


async def unread_notifications(
    session: AsyncSession, viewer_id: int, cap: int, wanted: NotificationFilter | None = None
) -> list[Notification]:
    """Shown notifications newer than the ``notifications`` marker, at most ``cap``."""
    seen = await marker(session, viewer_id, "notifications")
    query = notifications_select(viewer_id, wanted)
    if seen is not None:
        query = query.where(Notification.id > seen.last_read_id)
    rows = await session.scalars(query.order_by(Notification.id.desc()).limit(cap))
    return list(rows)


async def accounts_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Account).where(Account.id.in_(wanted)))
    return {a.id: a for a in rows}


def newest_first(rows: Sequence[Notification]) -> list[Notification]:
    return sorted(rows, key=lambda n: n.id, reverse=True)
