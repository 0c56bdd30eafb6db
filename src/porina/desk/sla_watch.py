"""SLA warnings and breaches as events (issue 16, point 5): a recurring job, once a minute,
looks at each brand's unresolved conversations that have an SLA target and marks the ones
that reached the target's warning share or its due time (``desk.service_levels.state``,
business hours respected). Each mark is stored once per conversation, target
(``first_response``, ``resolution``) and due time (``desk_sla_marks``), and its event —
``DeskSlaWarned`` or ``DeskSlaBreached`` — is emitted with it, so the live inbox and
notifications can react and reports count breaches (``breaches`` in the desk metrics).
A breach reached without a warning seen first (the job did not run in between) is marked
as a breach only. The inbox's ``sla`` does not wait for the job: it computes its state.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import aware, now
from porina.core.ids import new_id
from porina.desk import service_levels
from porina.desk.contacts_models import DeskSlaMark
from porina.desk.metrics import schedule_of
from porina.desk.metrics_models import DeskBusinessHours, DeskClock, DeskSlaTarget
from porina.desk.models import DeskConversation
from porina.desk.team_events import DeskSlaBreached, DeskSlaWarned
from porina.jobs.events import emit
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.storage.db import Database, Tx

log = logging.getLogger(__name__)
C = DeskConversation


async def _brands(tx: Tx) -> list[int]:
    rows = await tx.session.scalars(select(DeskSlaTarget.brand_account_id).distinct())
    return list(rows)


async def _mark(tx: Tx, row: DeskConversation, target: str, kind: str, due: datetime) -> bool:
    found = await tx.session.scalar(
        select(DeskSlaMark.id).where(
            DeskSlaMark.conversation_id == row.id,
            DeskSlaMark.target == target,
            DeskSlaMark.kind == kind,
            DeskSlaMark.due_at == due,
        )
    )
    if found is not None:
        return False
    tx.session.add(
        DeskSlaMark(
            id=new_id(),
            brand_account_id=row.brand_account_id,
            conversation_id=row.id,
            target=target,
            kind=kind,
            due_at=due,
            assignee_user_id=row.assignee_user_id,
            created_at=now(),
        )
    )
    kind_of = DeskSlaBreached if kind == "breach" else DeskSlaWarned
    event = kind_of(
        conversation_id=row.id,
        brand_account_id=row.brand_account_id,
        target=target,
        due_at=aware(due).isoformat(),
        assignee_user_id=row.assignee_user_id,
    )
    await emit(tx, event)
    return True


async def _brand(tx: Tx, brand_id: int, moment: datetime) -> int:
    targets = {t.priority: t for t in await service_levels.targets(tx.session, brand_id)}
    plan = schedule_of(await tx.session.get(DeskBusinessHours, brand_id))
    rows = await tx.session.execute(
        select(C, DeskClock)
        .join(DeskClock, DeskClock.conversation_id == C.id)
        .where(C.brand_account_id == brand_id, C.status != "resolved")
    )
    marked = 0
    for row, clock in rows.all():
        target = targets.get(row.priority or "none")
        if target is None:
            continue
        sla = service_levels.state(clock, target, plan, moment)
        if sla.due_at is None or not (sla.warning or sla.breached):
            continue
        which = "resolution" if clock.answered else "first_response"
        kind = "breach" if sla.breached else "warning"
        marked += await _mark(tx, row, which, kind, sla.due_at)
    return marked


async def mark_due(db: Database, moment: datetime | None = None) -> int:
    """Mark (and announce) every SLA warning and breach reached by ``moment``; the number
    of new marks."""
    at = moment or now()
    marked = 0
    async with db.transaction() as tx:
        for brand_id in await _brands(tx):
            marked += await _brand(tx, brand_id, at)
    return marked


@recurring("desk.sla_watch", every=timedelta(minutes=1))
async def watch(ctx: JobContext, period: Period) -> None:
    marked = await mark_due(ctx.db)
    if marked:
        log.info("desk SLA: %d new warning(s) or breach(es) at %s", marked, period.start)


async def breaches(
    session: AsyncSession, brand_id: int, start: datetime, end: datetime
) -> tuple[int, dict[int, int]]:
    """Breaches marked in ``[start, end)``: the total and per staff member who had the
    conversation then (unassigned ones count in the total only)."""
    rows = await session.execute(
        select(DeskSlaMark.assignee_user_id, func.count())
        .where(
            DeskSlaMark.brand_account_id == brand_id,
            DeskSlaMark.kind == "breach",
            DeskSlaMark.created_at >= start,
            DeskSlaMark.created_at < end,
        )
        .group_by(DeskSlaMark.assignee_user_id)
    )
    per_user: dict[int, int] = {}
    total = 0
    for user_id, count in rows.all():
        total += int(count)
        if user_id is not None:
            per_user[int(user_id)] = int(count)
    return total, per_user
