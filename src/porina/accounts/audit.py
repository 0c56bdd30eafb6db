"""The team's audit log (``team_audit``): every action a staff member takes as a brand
account, and every change to a brand's team.

An in-transaction subscriber of every domain event (``core.events``) writes one row when the
event's actor is a person acting as an account other than their own (``Actor.operated``:
a brand token, or a web session acting as the brand), and for every ``OperatorAdded`` and
``OperatorRemoved`` (who appointed, changed or removed whom, from the web, the API or the
CLI). A row says who (the staff user), as which account, what (the event type), on what
(``target_type``, ``target_id``) and when. Rows stay when the person leaves the team; they go
with the brand account. Events that are consequences rather than actions (a notification
created, a poll closing, an archive ready) are not recorded.

Owners and managers read it (``page``); the web page and the API check that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, TeamAudit, User
from porina.core import events as ev
from porina.core.clock import now
from porina.core.ids import new_id
from porina.jobs.events import subscribe
from porina.storage.db import Tx

NOT_ACTIONS: frozenset[type[ev.Event]] = frozenset(
    kind
    for kind in (
        getattr(ev, name, None)
        for name in ("NotificationCreated", "PollEnded", "ArchiveReady", "ArchiveRequested")
    )
    if kind is not None
)
TEAM_EVENTS = (ev.OperatorAdded, ev.OperatorRemoved)
# The event field naming what an action was done to, first match wins.
TARGETS = (
    ("status_id", "status"),
    ("target_account_id", "account"),
    ("target_id", "account"),
    ("poll_id", "poll"),
    ("report_id", "report"),
    ("conversation_id", "conversation"),
    ("list_id", "list"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the log, with the staff member's username (None: the CLI)."""

    id: int
    account_id: int
    user_id: int | None
    username: str | None
    display_name: str | None
    action: str
    target_type: str | None
    target_id: int | None
    detail: dict[str, Any]
    created_at: datetime


def _staff_action(event: ev.Event) -> bool:
    actor = event.actor
    return actor is not None and actor.operated and actor.user_id is not None


def _target(event: ev.Event) -> tuple[str | None, int | None]:
    if isinstance(event, TEAM_EVENTS):
        return "user", event.user_id
    for field, kind in TARGETS:
        value = getattr(event, field, None)
        if isinstance(value, int):
            return kind, value
    return None, None


def _detail(event: ev.Event) -> dict[str, Any] | None:
    if isinstance(event, ev.OperatorAdded):
        return {"role": event.role, "previous_role": event.previous_role}
    if isinstance(event, ev.OperatorRemoved):
        return {"role": event.role, "tokens_revoked": event.tokens_revoked}
    return None


async def record(tx: Tx, event: ev.Event) -> None:
    """Write the event to the brand's audit log (the subscriber of every event type)."""
    actor = event.actor
    if isinstance(event, TEAM_EVENTS):
        account_id = event.account_id
    elif actor is not None:
        account_id = actor.account_id
    else:
        return
    target_type, target_id = _target(event)
    tx.session.add(
        TeamAudit(
            id=new_id(),
            account_id=account_id,
            user_id=actor.user_id if actor is not None else None,
            action=type(event).__name__,
            target_type=target_type,
            target_id=target_id,
            detail=_detail(event),
            created_at=now(),
        )
    )


def _event_types() -> list[type[ev.Event]]:
    found: list[type[ev.Event]] = []
    pending = list(ev.Event.__subclasses__())
    while pending:
        kind = pending.pop(0)
        if kind.__module__ == ev.__name__ and kind not in NOT_ACTIONS:
            found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


for _kind in _event_types():
    if _kind in TEAM_EVENTS:
        subscribe(_kind)(record)
    else:
        subscribe(_kind, when=_staff_action)(record)


async def page(
    session: AsyncSession,
    account_id: int,
    *,
    max_id: int | None = None,
    min_id: int | None = None,
    limit: int = 40,
) -> list[Entry]:
    """``limit`` entries of ``account_id``'s log, newest first: the newest older than
    ``max_id``, or (with ``min_id``) the oldest newer than it."""
    query = (
        select(TeamAudit, Account.username, Account.display_name)
        .outerjoin(User, User.id == TeamAudit.user_id)
        .outerjoin(Account, Account.id == User.account_id)
        .where(TeamAudit.account_id == account_id)
        .limit(limit)
    )
    if max_id is not None:
        query = query.where(TeamAudit.id < max_id)
    if min_id is not None:
        query = query.where(TeamAudit.id > min_id).order_by(TeamAudit.id.asc())
    else:
        query = query.order_by(TeamAudit.id.desc())
    rows = list(await session.execute(query))
    if min_id is not None:
        rows.reverse()
    return [
        Entry(
            row.id,
            row.account_id,
            row.user_id,
            username,
            display_name,
            row.action,
            row.target_type,
            row.target_id,
            row.detail or {},
            row.created_at,
        )
        for row, username, display_name in rows
    ]
