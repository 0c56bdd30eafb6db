"""Publishing an approved draft: the job ``calendar.publish`` (docs/calendar.md, "Publishing").

- **Only approved posts publish**: the job acts only on a draft in ``approved`` or
  ``scheduled`` whose time has come (a draft edited, sent back, deleted or moved later since
  the job was queued is left alone: the move queued its own job).
- **Idempotent**: the draft row is locked and its state checked, and the status is created
  with the idempotency key ``calendar-draft:<id>`` (``posts.compose``'s ``idempotency_keys``,
  primary key (account, key)): a job run twice, or two runners at once, post once.
- **Overdue**: the recurring job ``calendar.sweep_overdue`` (every 5 minutes) marks ``missed``
  an approved post still not published ``OVERDUE`` after its time — the job engine down, the
  publishing job parked after its own attempts (when even counting a failure failed) — so
  nothing waits unseen.
- **Retried, never dropped**: a post that cannot be made as it stands (the brand suspended,
  its media gone: a ``PorinaError``) is marked ``missed`` at once with the reason; any other
  failure is counted on the draft and raised, so the job engine retries it with its backoff,
  until ``MAX_ATTEMPTS`` failures mark it ``missed`` with the last error. A missed post stays on
  the calendar with its reason and a retry (``actions.retry``). The scheduled statuses of
  ``posts.scheduling`` drop a post that cannot be made; the calendar's do not.

The post is published as the brand by the manager who approved it (``Actor.user_id``: the
audit log and "by ..." name them), who answers for it: an agent cannot post top-level as the
brand, but their approved draft can.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account
from porina.calendar.content import draft_content
from porina.calendar.errors import PublishImpossible
from porina.calendar.events import DraftMissed, DraftPublished
from porina.calendar.history import transition
from porina.calendar.models import CalendarDraft, CalendarDraftTransition
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.errors import PorinaError
from porina.core.ids import parse_id
from porina.jobs import queue
from porina.jobs.events import emit
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.posts.compose import create_status
from porina.posts.models import Status
from porina.storage.db import Database, Tx

PUBLISH = "calendar.publish"
MAX_ATTEMPTS = 5
"""Failed attempts before a post is marked missed (the job engine's own limit is higher)."""
PUBLISHABLE = frozenset({"approved", "scheduled"})
SUSPENDED = "The brand account is suspended"
log = logging.getLogger(__name__)
OVERDUE = timedelta(minutes=30)
NOT_RUN = "Not published within 30 minutes of its time: the publishing job did not complete"
KEPT_FAILING = "Publishing kept failing ({attempts} attempts): {error}"


async def enqueue_publish(tx: Tx, draft_id: int, at: datetime) -> None:
    """Queue the publishing job for ``at`` (keyed by the draft and the time: a second approval
    for the same time queues nothing more)."""
    await queue.enqueue(
        tx,
        PUBLISH,
        {"draft_id": str(draft_id)},
        run_at=at,
        key=f"{PUBLISH}:{draft_id}:{at.isoformat()}",
        max_attempts=MAX_ATTEMPTS + 3,
    )


async def _due(tx: Tx, draft_id: int) -> CalendarDraft | None:
    row = await tx.session.scalar(
        select(CalendarDraft).where(CalendarDraft.id == draft_id).with_for_update()
    )
    if row is None or row.state not in PUBLISHABLE:
        return None
    if row.planned_at is not None and aware(row.planned_at) > now():
        return None
    return row


async def _approver(tx: Tx, draft_id: int) -> int | None:
    return await tx.session.scalar(
        select(CalendarDraftTransition.user_id)
        .where(
            CalendarDraftTransition.draft_id == draft_id,
            CalendarDraftTransition.to_state.in_(PUBLISHABLE),
        )
        .order_by(CalendarDraftTransition.id.desc())
        .limit(1)
    )


async def publish(tx: Tx, draft_id: int) -> Status | None:
    """Post the draft if it is approved and due (the job's body); None when there is nothing
    to do. Raises ``PorinaError`` when the post cannot be made as it stands."""
    row = await _due(tx, draft_id)
    if row is None:
        return None
    brand = await tx.session.get(Account, row.brand_account_id)
    if brand is None or brand.suspended_at is not None:
        raise PublishImpossible(SUSPENDED)
    user_id = await _approver(tx, row.id)
    actor = Actor(row.brand_account_id, user_id, None, operated=user_id is not None)
    status = await create_status(
        tx, actor, draft_content(row).new_status(key=f"calendar-draft:{row.id}")
    )
    row.published_status_id = status.id
    row.published_at = status.created_at
    row.missed_reason = None
    await transition(tx, None, row, "published")
    await emit(
        tx,
        DraftPublished(brand_account_id=row.brand_account_id, draft_id=row.id, status_id=status.id),
    )
    return status


async def miss(tx: Tx, draft_id: int, reason: str) -> bool:
    """Mark an approved draft ``missed`` with ``reason`` (True if it was still to publish)."""
    row = await tx.session.scalar(
        select(CalendarDraft).where(CalendarDraft.id == draft_id).with_for_update()
    )
    if row is None or row.state not in PUBLISHABLE:
        return False
    row.missed_reason = reason
    await transition(tx, None, row, "missed", reason)
    await emit(
        tx, DraftMissed(brand_account_id=row.brand_account_id, draft_id=row.id, reason=reason)
    )
    return True


async def failed_attempt(tx: Tx, draft_id: int, error: str) -> bool:
    """Count a failed attempt; True when it was the last (the draft is now ``missed``)."""
    row = await tx.session.scalar(
        select(CalendarDraft).where(CalendarDraft.id == draft_id).with_for_update()
    )
    if row is None or row.state not in PUBLISHABLE:
        return True
    row.publish_attempts += 1
    row.last_error = error[:500]
    if row.publish_attempts < MAX_ATTEMPTS:
        return False
    reason = KEPT_FAILING.format(attempts=row.publish_attempts, error=row.last_error)
    return await miss(tx, draft_id, reason)


@queue.handler(PUBLISH)
async def publish_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Publish the draft; a post that cannot be made is missed, anything else retried."""
    draft_id = parse_id(payload.get("draft_id"))
    if draft_id is None:
        return
    try:
        async with ctx.db.transaction() as tx:
            await publish(tx, draft_id)
    except PorinaError as exc:
        log.warning("calendar draft %s missed: %s", draft_id, exc.message)
        async with ctx.db.transaction() as tx:
            await miss(tx, draft_id, exc.message)
    except Exception as exc:
        async with ctx.db.transaction() as tx:
            last = await failed_attempt(tx, draft_id, f"{type(exc).__name__}: {exc}")
        if not last:
            raise


async def sweep_overdue(db: Database, moment: datetime) -> int:
    """Mark ``missed`` every approved post still unpublished ``OVERDUE`` after its time (one
    transaction each); how many."""
    async with db.read() as session:
        due = list(
            await session.scalars(
                select(CalendarDraft.id)
                .where(
                    CalendarDraft.state.in_(PUBLISHABLE),
                    CalendarDraft.planned_at < moment - OVERDUE,
                )
                .limit(500)
            )
        )
    missed = 0
    for draft_id in due:
        async with db.transaction() as tx:
            missed += await miss(tx, draft_id, NOT_RUN)
    return missed


@recurring("calendar.sweep_overdue", every=timedelta(minutes=5))
async def sweep_job(ctx: JobContext, period: Period) -> None:
    missed = await sweep_overdue(ctx.db, now())
    if missed:
        log.warning(
            "calendar: %d approved posts overdue, marked missed at %s", missed, period.start
        )
