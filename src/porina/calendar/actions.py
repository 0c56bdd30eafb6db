"""The content calendar's actions, the only writers of drafts (docs/calendar.md).

Each takes the transaction, the ``Actor`` (the brand and the staff member acting as it) and
the brand's time zone where a time is read; checks the role (``calendar.access``) and the
draft's state; writes; records the transition in ``calendar_draft_transitions``; and emits
its event (``calendar.events``). Approving (and retrying a missed post) queues the publishing
job (``calendar.publishing``) at the planned time, or now when there is none or it has passed.

States: ``draft`` → ``submitted`` → ``approved`` (to publish now) or ``scheduled`` (at its
time) → ``published``; ``submitted``/``approved``/``scheduled`` → ``changes_requested`` (with
the approver's comment) → edited and submitted again; ``approved``/``scheduled`` →
``missed`` (with the reason) → retried; anything not published → ``deleted`` (the row and its
history stay for the audit). Editing an approved or scheduled post sends it back to ``draft``:
only what a manager approved publishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from porina.calendar import access
from porina.calendar.content import (
    DraftContent,
    comment_of,
    content_of,
    draft_content,
    planned_time,
)
from porina.calendar.errors import DraftNotFound, DraftRoleRefused, DraftStateRefused, InvalidDraft
from porina.calendar.events import DraftCreated, DraftEdited
from porina.calendar.history import transition
from porina.calendar.models import CalendarDraft, CalendarDraftTransition
from porina.calendar.publishing import enqueue_publish
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.posts.compose import check_new
from porina.storage.db import Tx

PUBLISHABLE = frozenset({"approved", "scheduled"})
EDITABLE = frozenset({"draft", "submitted", "changes_requested", "approved", "scheduled", "missed"})
SUBMITTABLE = frozenset({"draft", "changes_requested", "missed"})
REVIEWABLE = frozenset({"submitted", "approved", "scheduled"})
FINAL = frozenset({"published", "deleted"})
PAST_TIME = "Validation failed: scheduled_at must be in the future"
FIELDS = ("text", "spoiler_text", "visibility", "language", "sensitive", "media_ids", "poll")


async def own(tx: Tx, actor: Actor, draft_id: int, *, lock: bool = False) -> CalendarDraft:
    """The brand's draft ``draft_id``; 404 for another brand's or a deleted one."""
    query = select(CalendarDraft).where(
        CalendarDraft.id == draft_id, CalendarDraft.brand_account_id == actor.account_id
    )
    row = await tx.session.scalar(query.with_for_update() if lock else query)
    if row is None or row.state == "deleted":
        raise DraftNotFound()
    return row


async def _check(tx: Tx, brand_id: int, draft: DraftContent) -> None:
    """The post it would make is valid for the brand (as ``POST /api/v1/statuses`` checks
    it, without the role limits: an agent may draft a post a manager approves)."""
    new = draft.new_status()
    if not (new.text.strip() or new.media_ids or new.poll):
        raise InvalidDraft("Validation failed: Text can't be blank")
    await check_new(tx, Actor(brand_id), new)


def _future(when: datetime | None) -> datetime | None:
    if when is not None and when <= now():
        raise InvalidDraft(PAST_TIME)
    return when


async def create(tx: Tx, actor: Actor, data: Mapping[str, Any], zone: str) -> CalendarDraft:
    """A new draft of the brand's, written by the caller (a writer: ``access.WRITERS``)."""
    staff = await access.writer(tx.session, actor)
    draft = content_of(data)
    planned = _future(planned_time(data.get("scheduled_at"), zone))
    await _check(tx, actor.account_id, draft)
    moment = now()
    row = CalendarDraft(
        id=new_id(),
        brand_account_id=actor.account_id,
        author_user_id=staff.user_id,
        planned_at=planned,
        time_zone=zone,
        state="draft",
        publish_attempts=0,
        created_at=moment,
        updated_at=moment,
        **asdict(draft),
    )
    tx.session.add(row)
    tx.session.add(
        CalendarDraftTransition(
            id=new_id(), draft_id=row.id, to_state="draft", user_id=staff.user_id, at=moment
        )
    )
    await emit(
        tx, DraftCreated(actor=actor, brand_account_id=row.brand_account_id, draft_id=row.id)
    )
    return row


async def edit(
    tx: Tx, actor: Actor, draft_id: int, data: Mapping[str, Any], zone: str
) -> CalendarDraft:
    """Change what the draft says (and its time when ``scheduled_at`` is sent). An approved
    or scheduled draft goes back to ``draft``: it needs approval again."""
    staff = await access.writer(tx.session, actor)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state not in EDITABLE:
        raise DraftStateRefused.filled(
            N_("Validation failed: a %(state)s post cannot be edited"), state=row.state
        )
    if row.state in PUBLISHABLE and not staff.approves:
        raise DraftRoleRefused(access.NOT_APPROVER)
    draft = content_of(data)
    await _check(tx, actor.account_id, draft)
    for name, value in asdict(draft).items():
        setattr(row, name, value)
    if "scheduled_at" in data:
        row.planned_at = _future(planned_time(data.get("scheduled_at"), zone))
        row.time_zone = zone
    row.updated_at = now()
    reopened = row.state in PUBLISHABLE or row.state == "missed"
    if reopened:
        await transition(tx, actor, row, "draft", "edited after approval")
    await emit(
        tx,
        DraftEdited(
            actor=actor, brand_account_id=row.brand_account_id, draft_id=row.id, reopened=reopened
        ),
    )
    return row


async def submit(tx: Tx, actor: Actor, draft_id: int) -> CalendarDraft:
    """Ask the brand's managers to approve the draft."""
    await access.writer(tx.session, actor)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state not in SUBMITTABLE:
        raise DraftStateRefused.filled(
            N_("Validation failed: a %(state)s post cannot be submitted"), state=row.state
        )
    await _check(tx, actor.account_id, draft_content(row))
    await transition(tx, actor, row, "submitted")
    return row


async def _release(tx: Tx, actor: Actor, row: CalendarDraft, comment: str | None) -> None:
    """Approved: ``scheduled`` and queued for its time, or ``approved`` and queued now."""
    if row.planned_at is None:
        row.planned_at = now()  # published now: on the calendar today
    planned = aware(row.planned_at)
    later = planned > now()
    row.missed_reason = None
    row.publish_attempts = 0
    row.last_error = None
    await transition(tx, actor, row, "scheduled" if later else "approved", comment)
    await enqueue_publish(tx, row.id, planned if later else now())


async def approve(tx: Tx, actor: Actor, draft_id: int, comment: str | None = None) -> CalendarDraft:
    """An owner or manager approves a submitted draft: it publishes at its time (now if it
    has none or its time has passed)."""
    await access.approver(tx.session, actor)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state != "submitted":
        raise DraftStateRefused("Validation failed: only a submitted post can be approved")
    await _check(tx, actor.account_id, draft_content(row))
    await _release(tx, actor, row, comment)
    return row


async def request_changes(tx: Tx, actor: Actor, draft_id: int, comment: object) -> CalendarDraft:
    """Send a submitted (or approved, not yet published) draft back with a comment."""
    await access.approver(tx.session, actor)
    text = comment_of(comment)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state not in REVIEWABLE:
        raise DraftStateRefused.filled(
            N_("Validation failed: a %(state)s post cannot be sent back"), state=row.state
        )
    row.review_comment = text
    await transition(tx, actor, row, "changes_requested", text)
    return row


async def reschedule(
    tx: Tx, actor: Actor, draft_id: int, value: object, zone: str
) -> CalendarDraft:
    """Move the post to another time (the calendar's drag). An approved or scheduled post
    keeps its approval and is queued for the new time (by an owner or manager only)."""
    staff = await access.writer(tx.session, actor)
    when = planned_time(value, zone)
    if when is None:
        raise InvalidDraft("Validation failed: scheduled_at must be an ISO 8601 date and time")
    _future(when)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state in FINAL:
        raise DraftStateRefused.filled(
            N_("Validation failed: a %(state)s post cannot be rescheduled"), state=row.state
        )
    if row.state in PUBLISHABLE | {"missed"} and not staff.approves:
        raise DraftRoleRefused(access.NOT_APPROVER)
    row.planned_at, row.time_zone = when, zone
    row.updated_at = now()
    if row.state in PUBLISHABLE | {"missed"}:
        await _release(tx, actor, row, "rescheduled")
    else:
        await emit(
            tx, DraftEdited(actor=actor, brand_account_id=row.brand_account_id, draft_id=row.id)
        )
    return row


async def retry(tx: Tx, actor: Actor, draft_id: int) -> CalendarDraft:
    """Try a missed post again: now (or at its time if that is still ahead)."""
    await access.approver(tx.session, actor)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state != "missed":
        raise DraftStateRefused("Validation failed: only a missed post can be retried")
    await _release(tx, actor, row, "retried")
    return row


async def delete(tx: Tx, actor: Actor, draft_id: int) -> None:
    """Take a post off the calendar (a published one stays: delete the status instead). Its
    row and history stay, in state ``deleted``, for the audit."""
    staff = await access.writer(tx.session, actor)
    row = await own(tx, actor, draft_id, lock=True)
    if row.state == "published":
        raise DraftStateRefused("Validation failed: a published post cannot be deleted here")
    if row.state in PUBLISHABLE and not staff.approves:
        raise DraftRoleRefused(access.NOT_APPROVER)
    await transition(tx, actor, row, "deleted")
