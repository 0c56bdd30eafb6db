"""Scheduled statuses: kept with their parameters, published by a job when their time comes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.ids import new_id, parse_id
from porina.jobs import queue
from porina.posts.compose import NewStatus, check_new, create_status, quoted_status, replied_to
from porina.posts.errors import (
    InvalidStatus,
    ScheduledStatusNotFound,
)
from porina.posts.models import (
    ScheduledStatus,
    Status,
)
from porina.storage.db import Tx

MIN_SCHEDULE_AHEAD = timedelta(minutes=5)
MAX_SCHEDULED = 300
MAX_SCHEDULED_PER_DAY = 25
PUBLISH_SCHEDULED = "posts.publish_scheduled"
TOO_SOON = "Validation failed: Scheduled at The scheduled date must be in the future"


async def schedule_status(
    tx: Tx, actor: Actor, new: NewStatus, scheduled_at: datetime
) -> ScheduledStatus:
    """Keep ``new`` to publish at ``scheduled_at`` (at least five minutes ahead)."""
    moment = now()
    scheduled_at = aware(scheduled_at)
    if scheduled_at < moment + MIN_SCHEDULE_AHEAD:
        raise InvalidStatus(TOO_SOON)
    await _check_schedule_limits(tx, actor.account_id, scheduled_at)
    visibility, media = await check_new(tx, actor, new)
    if new.in_reply_to_id is not None:
        await replied_to(tx, actor, new.in_reply_to_id)
    if new.quoted_status_id is not None:
        await quoted_status(tx, actor, new.quoted_status_id)
    row = ScheduledStatus(
        id=new_id(),
        account_id=actor.account_id,
        scheduled_at=scheduled_at,
        params=new.as_params(visibility) | {"application_id": actor.app_id or 0},
        media_ids=[str(m.id) for m in media],
        created_by_user_id=actor.user_id,
        application_id=actor.app_id,
        created_at=moment,
    )
    tx.session.add(row)
    await _enqueue_publish(tx, row)
    return row


async def _check_schedule_limits(tx: Tx, account_id: int, when: datetime) -> None:
    total = await tx.session.scalar(
        select(func.count()).where(ScheduledStatus.account_id == account_id)
    )
    if (total or 0) >= MAX_SCHEDULED:
        raise InvalidStatus("Validation failed: You have exceeded the limit of scheduled posts")
    day_start = when.replace(hour=0, minute=0, second=0, microsecond=0)
    same_day = await tx.session.scalar(
        select(func.count()).where(
            ScheduledStatus.account_id == account_id,
            ScheduledStatus.scheduled_at >= day_start,
            ScheduledStatus.scheduled_at < day_start + timedelta(days=1),
        )
    )
    if (same_day or 0) >= MAX_SCHEDULED_PER_DAY:
        raise InvalidStatus(
            "Validation failed: You have exceeded the limit of scheduled posts for that day"
        )


async def _enqueue_publish(tx: Tx, row: ScheduledStatus) -> None:
    at = aware(row.scheduled_at)
    await queue.enqueue(
        tx,
        PUBLISH_SCHEDULED,
        {"scheduled_status_id": str(row.id)},
        run_at=at,
        key=f"publish_scheduled:{row.id}:{at.isoformat()}",
    )


async def scheduled_of(session: AsyncSession, account_id: int) -> list[ScheduledStatus]:
    """``account_id``'s scheduled statuses, soonest first (at most ``MAX_SCHEDULED`` exist)."""
    query = (
        select(ScheduledStatus)
        .where(ScheduledStatus.account_id == account_id)
        .order_by(ScheduledStatus.scheduled_at, ScheduledStatus.id)
        .limit(MAX_SCHEDULED)
    )
    return list(await session.scalars(query))


async def own_scheduled(tx: Tx, actor: Actor, scheduled_id: int) -> ScheduledStatus:
    row = await tx.session.get(ScheduledStatus, scheduled_id)
    if row is None or row.account_id != actor.account_id:
        raise ScheduledStatusNotFound()
    return row


async def reschedule(
    tx: Tx, actor: Actor, scheduled_id: int, scheduled_at: datetime
) -> ScheduledStatus:
    row = await own_scheduled(tx, actor, scheduled_id)
    scheduled_at = aware(scheduled_at)
    if scheduled_at < now() + MIN_SCHEDULE_AHEAD:
        raise InvalidStatus(TOO_SOON)
    row.scheduled_at = scheduled_at
    await _enqueue_publish(tx, row)
    return row


async def cancel_scheduled(tx: Tx, actor: Actor, scheduled_id: int) -> None:
    row = await own_scheduled(tx, actor, scheduled_id)
    await tx.session.delete(row)


async def publish_scheduled(tx: Tx, scheduled_id: int) -> Status | None:
    """Post a scheduled status whose time has come (the job's body). Returns None when there
    is nothing to do: already published, cancelled, or moved later."""
    row = await tx.session.get(ScheduledStatus, scheduled_id)
    if row is None or aware(row.scheduled_at) > now():
        return None
    media_ids = [m for m in (parse_id(x) for x in row.media_ids) if m]
    new = replace(NewStatus.from_params(dict(row.params)), media_ids=media_ids)
    actor = Actor(row.account_id, row.created_by_user_id, row.application_id)
    await tx.session.delete(row)
    await tx.session.flush()
    return await create_status(tx, actor, new)
