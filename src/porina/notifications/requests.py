"""Filtered notifications (Mastodon 4.3): the recipient's policy and the requests holding what
it filtered, one per sender. Readers and the writers (accept, dismiss, policy updates).

A request is shown only while it holds a filtered notification the recipient may see now
(``shown_clause``: the status still visible, the sender neither suspended, blocked either way
nor muted with notifications hidden); its count and last status come from those alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.notifications.models import (
    Notification,
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
)
from porina.notifications.notify import DEFAULT_POLICY, POLICY_FIELDS
from porina.notifications.queries import shown_clause
from porina.storage.db import Tx, insert_if_absent

OUTCOMES = ("accept", "filter", "drop")
MAX_MEANINGFUL_COUNT = 100
"""Mastodon caps the summary's request count (and each request's count) here."""


@dataclass(frozen=True, slots=True)
class Summary:
    pending_requests_count: int
    pending_notifications_count: int


@dataclass(frozen=True, slots=True)
class RequestView:
    request: NotificationRequest
    notifications_count: int
    last_status_id: int | None


def _held(viewer_id: int, sender: Any) -> ColumnElement[bool]:
    """The viewer's filtered notifications from ``sender`` that may be shown now."""
    return and_(
        shown_clause(viewer_id, include_filtered=True),
        Notification.filtered.is_(True),
        Notification.from_account_id == sender,
    )


def _count(viewer_id: int) -> Any:
    return (
        select(func.count(Notification.id))
        .where(_held(viewer_id, NotificationRequest.from_account_id))
        .correlate(NotificationRequest)
        .scalar_subquery()
    )


def _last_status(viewer_id: int) -> Any:
    """The newest status that mentioned the viewer (Mastodon's ``last_status``)."""
    return (
        select(func.max(Notification.status_id))
        .where(
            _held(viewer_id, NotificationRequest.from_account_id),
            Notification.type == "mention",
        )
        .correlate(NotificationRequest)
        .scalar_subquery()
    )


def requests_select(viewer_id: int) -> Select[Any]:
    """The viewer's requests with something to show: (request, count, last status id)."""
    count = _count(viewer_id)
    return select(NotificationRequest, count, _last_status(viewer_id)).where(
        NotificationRequest.account_id == viewer_id, count > 0
    )


def views(rows: Iterable[Any]) -> list[RequestView]:
    return [
        RequestView(request, min(int(count), MAX_MEANINGFUL_COUNT), last)
        for request, count, last in rows
    ]


async def request(session: AsyncSession, viewer_id: int, request_id: int) -> RequestView:
    rows = await session.execute(
        requests_select(viewer_id).where(NotificationRequest.id == request_id)
    )
    found = views(rows)
    if not found:
        raise NotFound()
    return found[0]


async def summary(session: AsyncSession, viewer_id: int) -> Summary:
    counts = (
        select(_count(viewer_id).label("n"))
        .where(NotificationRequest.account_id == viewer_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(counts.c.n), 0)).where(counts.c.n > 0)
        )
    ).one()
    return Summary(min(int(rows[0]), MAX_MEANINGFUL_COUNT), int(rows[1]))


async def policy(session: AsyncSession, account_id: int) -> dict[str, str]:
    """The five ``for_*`` values, Mastodon's defaults where the account set none."""
    row = await session.get(NotificationPolicy, account_id)
    if row is None:
        return dict(zip(POLICY_FIELDS, DEFAULT_POLICY, strict=True))
    return {name: getattr(row, name) for name in POLICY_FIELDS}


async def update_policy(tx: Tx, account_id: int, changes: Mapping[str, str]) -> dict[str, str]:
    """Set the given ``for_*`` values (each ``accept``, ``filter`` or ``drop``)."""
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            raise Unprocessable(f"Validation failed: {name} is not a policy")
        if value not in OUTCOMES:
            raise Unprocessable(
                f"Validation failed: {name.replace('_', ' ').capitalize()} is not included "
                "in the list"
            )
    row = await tx.session.get(NotificationPolicy, account_id)
    if row is None:
        row = NotificationPolicy(
            account_id=account_id,
            updated_at=now(),
            **dict(zip(POLICY_FIELDS, DEFAULT_POLICY, strict=True)),
        )
        tx.session.add(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = now()
    await tx.session.flush()
    return {name: getattr(row, name) for name in POLICY_FIELDS}


async def _owned(tx: Tx, account_id: int, request_ids: Iterable[int]) -> list[NotificationRequest]:
    wanted = sorted(set(request_ids))
    if not wanted:
        return []
    rows = await tx.session.scalars(
        select(NotificationRequest).where(
            NotificationRequest.account_id == account_id, NotificationRequest.id.in_(wanted)
        )
    )
    return list(rows)


async def accept(tx: Tx, account_id: int, request_ids: Iterable[int], *, strict: bool) -> None:
    """Accept requests: their notifications join the normal list, and later ones from the
    sender pass the policy. ``strict``: an id that is not the account's request is a 404."""
    found = await _owned(tx, account_id, request_ids)
    if strict and not found:
        raise NotFound()
    for row in found:
        permission = {
            "account_id": account_id,
            "from_account_id": row.from_account_id,
            "created_at": now(),
        }
        await insert_if_absent(
            tx.session, NotificationPermission, permission, unique=tuple(permission)[:2]
        )
        await tx.session.execute(
            update(Notification)
            .where(
                Notification.account_id == account_id,
                Notification.from_account_id == row.from_account_id,
                Notification.filtered.is_(True),
            )
            .values(filtered=False)
        )
        await tx.session.delete(row)
    await tx.session.flush()


async def dismiss(tx: Tx, account_id: int, request_ids: Iterable[int], *, strict: bool) -> None:
    """Dismiss requests: their filtered notifications are deleted; later ones from the
    sender are filtered again into a new request."""
    found = await _owned(tx, account_id, request_ids)
    if strict and not found:
        raise NotFound()
    for row in found:
        await tx.session.execute(
            delete(Notification).where(
                Notification.account_id == account_id,
                Notification.from_account_id == row.from_account_id,
                Notification.filtered.is_(True),
            )
        )
        await tx.session.delete(row)
    await tx.session.flush()
