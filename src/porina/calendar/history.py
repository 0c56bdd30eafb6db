"""A draft's changes of state, kept for the audit (``calendar_draft_transitions``)."""

from __future__ import annotations

from porina.calendar.events import DraftTransitioned
from porina.calendar.models import CalendarDraft, CalendarDraftTransition
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.storage.db import Tx


async def transition(
    tx: Tx, actor: Actor | None, row: CalendarDraft, to_state: str, comment: str | None = None
) -> None:
    """Move ``row`` to ``to_state``, keep the step in its history and announce it."""
    moment = now()
    before = row.state
    row.state = to_state
    row.updated_at = moment
    tx.session.add(
        CalendarDraftTransition(
            id=new_id(),
            draft_id=row.id,
            from_state=before,
            to_state=to_state,
            user_id=actor.user_id if actor else None,
            comment=comment,
            at=moment,
        )
    )
    event = DraftTransitioned(
        actor=actor,
        brand_account_id=row.brand_account_id,
        draft_id=row.id,
        from_state=before,
        to_state=to_state,
        comment=comment,
    )
    await emit(tx, event)
