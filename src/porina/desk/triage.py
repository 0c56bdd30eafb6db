"""Triage: a conversation's priority and labels (issue 16, point 2), set by whoever works
conversations. The priority decides which SLA target applies (``desk.service_levels``)."""

from __future__ import annotations

from collections.abc import Sequence

from porina.core.actor import Actor
from porina.desk import access
from porina.desk import labels as catalogue
from porina.desk.actions import conversation
from porina.desk.errors import InvalidDeskRequest
from porina.desk.events import DeskTriaged
from porina.desk.models import PRIORITIES, DeskConversation
from porina.jobs.events import emit
from porina.storage.db import Tx

MAX_LABELS = 20


def _labels(raw: Sequence[object]) -> list[str]:
    labels: list[str] = []
    for value in raw:
        label = catalogue.clean_name(value)
        if label not in labels:
            labels.append(label)
    if len(labels) > MAX_LABELS:
        raise InvalidDeskRequest(f"Validation failed: at most {MAX_LABELS} labels")
    return sorted(labels)


async def triage(
    tx: Tx,
    actor: Actor,
    conversation_id: int,
    *,
    priority: str | bool | None = False,
    labels: Sequence[object] | None = None,
) -> DeskConversation:
    """Set the priority (``None`` clears it; ``False`` leaves it) and/or replace the labels."""
    if priority not in (False, None) and priority not in PRIORITIES:
        choices = ", ".join(PRIORITIES)
        raise InvalidDeskRequest(f"Validation failed: priority must be one of {choices}")
    new_labels = _labels(labels) if labels is not None else None
    staff = await access.worker(tx.session, actor)
    found = await conversation(tx, staff, conversation_id)
    if priority is not False:
        found.priority = priority if isinstance(priority, str) else None
    if new_labels is not None:
        await catalogue.ensure(tx, staff.brand_id, new_labels)
        found.labels = new_labels
    await tx.session.flush()
    event = DeskTriaged(
        actor=actor,
        conversation_id=found.id,
        brand_account_id=staff.brand_id,
        priority=found.priority,
        labels=tuple(found.labels or ()),
    )
    await emit(tx, event)
    return found
