"""Reading the inbox: the views of a brand's conversations and one conversation's items.

Views: ``mine`` (assigned to the caller), ``unassigned``, ``mentioned`` (a note mentions the
caller), ``all``; each filtered by status (``open`` unless another is asked). A snoozed
conversation whose time has come counts and shows as open, without a job having to wake it.

Pages are keyset pages on ``(last_activity_at, id)``, newest activity first: each view is
one range scan of an index that starts with the brand (``desk/models.py``), whatever the
number of conversations. ``max_id``/``since_id``/``min_id`` name conversations, as Mastodon's
``Link`` header does; the named conversation's activity time is the cursor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import User
from porina.core.clock import aware, now
from porina.desk.access import Staff
from porina.desk.errors import ConversationNotFound, InvalidDeskRequest
from porina.desk.models import STATUSES, DeskConversation, DeskItem, DeskMention

VIEWS = ("mine", "unassigned", "mentioned", "all", "label")
ITEMS_SHOWN = 200
"""A conversation shows its latest items, oldest first."""

C = DeskConversation


@dataclass(frozen=True, slots=True)
class Cursor:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20


@dataclass(frozen=True, slots=True)
class Listed:
    """A conversation as a list shows it: its row and the assignee's own account."""

    conversation: DeskConversation
    assignee_account_id: int | None
    status: str


def shown_status(row: DeskConversation, moment: datetime) -> str:
    """The status as the team sees it: a snooze that has run out is open."""
    if row.status == "snoozed" and row.snooze_until and aware(row.snooze_until) <= moment:
        return "open"
    return row.status


def _status_clause(status: str, moment: datetime) -> ColumnElement[bool]:
    if status not in STATUSES:
        raise InvalidDeskRequest(f"Validation failed: status must be one of {', '.join(STATUSES)}")
    woken = and_(C.status == "snoozed", C.snooze_until <= moment)
    if status == "open":
        return or_(C.status == "open", woken)
    if status == "snoozed":
        return and_(C.status == "snoozed", C.snooze_until > moment)
    return C.status == status


def _view_clause(view: str, staff: Staff) -> ColumnElement[bool] | None:
    if view == "mine":
        return C.assignee_user_id == staff.user_id
    if view == "unassigned":
        return C.assignee_user_id.is_(None)
    if view == "mentioned":
        mentions = select(DeskMention.conversation_id).where(DeskMention.user_id == staff.user_id)
        return C.id.in_(mentions)
    if view == "all":
        return None
    raise InvalidDeskRequest(f"Validation failed: view must be one of {', '.join(VIEWS)}")


async def _key(session: AsyncSession, staff: Staff, conversation_id: int) -> Any | None:
    row = (
        await session.execute(
            select(C.last_activity_at, C.id).where(
                C.id == conversation_id, C.brand_account_id == staff.brand_id
            )
        )
    ).first()
    return None if row is None else tuple_(row[0], row[1])


async def _keyset(session: AsyncSession, staff: Staff, query: Any, cursor: Cursor) -> Any:
    """The cursor's conditions and order; None when a cursor names no conversation here."""
    key = tuple_(C.last_activity_at, C.id)
    for named, older in ((cursor.max_id, True), (cursor.since_id, False), (cursor.min_id, False)):
        if named is None:
            continue
        bound = await _key(session, staff, named)
        if bound is None:
            return None
        query = query.where(key < bound if older else key > bound)
    if cursor.min_id is not None:
        return query.order_by(C.last_activity_at.asc(), C.id.asc())
    return query.order_by(C.last_activity_at.desc(), C.id.desc())


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def label_clause(label: str) -> ColumnElement[bool]:
    """Conversations carrying ``label``. Labels are a JSON list of names, so the name quoted
    is in its text, as written or with non-ASCII letters escaped (``json.dumps``, as SQLite
    stores it); names hold no quote, and ``%`` and ``_`` are escaped."""
    text = cast(C.labels, String)
    forms = {f'"{label}"', json.dumps(label)}
    return or_(*(text.like(f"%{_like(form)}%", escape="\\") for form in sorted(forms)))


async def page(
    session: AsyncSession,
    staff: Staff,
    *,
    view: str,
    status: str,
    cursor: Cursor,
    label: str | None = None,
) -> list[Listed]:
    """One page of a view (``view=label`` is ``all`` narrowed to ``label``; ``label`` narrows
    any view), newest activity first."""
    moment = now()
    query = (
        select(C, User.account_id)
        .outerjoin(User, User.id == C.assignee_user_id)
        .where(C.brand_account_id == staff.brand_id, _status_clause(status, moment))
    )
    if view == "label" and not label:
        raise InvalidDeskRequest("Validation failed: view=label needs label")
    if label:
        query = query.where(label_clause(label))
    by_view = _view_clause("all" if view == "label" else view, staff)
    if by_view is not None:
        query = query.where(by_view)
    ordered = await _keyset(session, staff, query, cursor)
    if ordered is None:
        return []
    rows = list((await session.execute(ordered.limit(cursor.limit))).all())
    if cursor.min_id is not None:
        rows.reverse()
    return [Listed(row, assignee, shown_status(row, moment)) for row, assignee in rows]


async def one(session: AsyncSession, staff: Staff, conversation_id: int) -> Listed:
    """One of the brand's conversations (another brand's is a 404)."""
    row = (
        await session.execute(
            select(C, User.account_id)
            .outerjoin(User, User.id == C.assignee_user_id)
            .where(C.id == conversation_id, C.brand_account_id == staff.brand_id)
        )
    ).first()
    if row is None:
        raise ConversationNotFound()
    return Listed(row[0], row[1], shown_status(row[0], now()))


async def items(session: AsyncSession, conversation_id: int) -> list[DeskItem]:
    """The conversation's latest ``ITEMS_SHOWN`` items, oldest first."""
    rows = await session.scalars(
        select(DeskItem)
        .where(DeskItem.conversation_id == conversation_id)
        .order_by(DeskItem.id.desc())
        .limit(ITEMS_SHOWN)
    )
    return list(reversed(list(rows)))
