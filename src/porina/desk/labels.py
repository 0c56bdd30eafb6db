"""The label catalogue (issue 16, point 2): a brand's labels with a colour and a description.

Conversations carry labels by name (``DeskConversation.labels``). Renaming a catalogue label
renames it on every conversation of the brand; deleting it takes it off them. Triage accepts
a label that is not in the catalogue yet and adds it there (grey, no description): labelling
while working a conversation never stops at a refusal, and the catalogue stays the complete
list of labels in use (Chatwoot refuses unknown labels instead). Owners and managers change
the catalogue; everyone who works conversations reads it and labels conversations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Conflict, NotFound
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.desk import access
from porina.desk.contacts_models import DeskLabel
from porina.desk.errors import InvalidDeskRequest
from porina.desk.models import DeskConversation
from porina.desk.queries import shown_status
from porina.desk.team_events import DeskLabelChanged
from porina.jobs.events import emit
from porina.storage.db import Tx

MANAGERS = access.MANAGERS
NOT_MANAGER = "Only the brand's owners and managers can change its labels"
DEFAULT_COLOUR = "#6b7280"
MAX_PER_BRAND = 200
_NAME = re.compile(r"^[\w][\w -]{0,39}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class LabelNotFound(NotFound):
    code = "desk_label_not_found"


def clean_name(raw: object) -> str:
    """A label's name as stored: trimmed, lower case, 1-40 letters, digits, spaces, - or _."""
    name = str(raw or "").strip().lower()
    if not _NAME.match(name):
        raise InvalidDeskRequest(
            "Validation failed: a label is 1-40 letters, digits, spaces, '-' or '_'"
        )
    return name


def _fields(raw: Mapping[str, object], row: DeskLabel | None) -> tuple[str, str, str]:
    name = clean_name(raw.get("name", row.name if row else ""))
    colour = str(raw.get("colour") or (row.colour if row else DEFAULT_COLOUR))
    if not _COLOUR.match(colour):
        raise InvalidDeskRequest("Validation failed: colour is #rrggbb")
    description = str(raw.get("description", row.description if row else "") or "")
    if len(description) > 200:
        raise InvalidDeskRequest("Validation failed: description is at most 200 characters")
    return name, colour.lower(), description


async def listed(session: AsyncSession, actor: Actor) -> list[tuple[DeskLabel, int]]:
    """The brand's labels by name, each with its number of open conversations."""
    staff = await access.worker(session, actor)
    rows = list(
        await session.scalars(
            select(DeskLabel)
            .where(DeskLabel.brand_account_id == staff.brand_id)
            .order_by(DeskLabel.name)
        )
    )
    counts = await open_counts(session, staff.brand_id)
    return [(row, counts.get(row.name, 0)) for row in rows]


async def open_counts(session: AsyncSession, brand_id: int) -> dict[str, int]:
    """Open conversations per label (a woken snooze counts as open)."""
    moment = now()
    rows = await session.execute(
        select(DeskConversation).where(
            DeskConversation.brand_account_id == brand_id,
            DeskConversation.status.in_(("open", "snoozed")),
        )
    )
    counts: dict[str, int] = {}
    for (row,) in rows:
        if shown_status(row, moment) != "open":
            continue
        for label in row.labels or ():
            counts[label] = counts.get(label, 0) + 1
    return counts


async def _one(session: AsyncSession, brand_id: int, label_id: int) -> DeskLabel:
    row = await session.get(DeskLabel, label_id)
    if row is None or row.brand_account_id != brand_id:
        raise LabelNotFound()
    return row


async def _named(session: AsyncSession, brand_id: int, name: str) -> DeskLabel | None:
    return await session.scalar(
        select(DeskLabel).where(DeskLabel.brand_account_id == brand_id, DeskLabel.name == name)
    )


async def _changed(tx: Tx, actor: Actor, label_id: int, change: str, name: str) -> None:
    event = DeskLabelChanged(
        actor=actor, brand_account_id=actor.account_id, label_id=label_id, change=change, name=name
    )
    await emit(tx, event)


async def _room(session: AsyncSession, brand_id: int, adding: int) -> None:
    count = await session.scalar(
        select(func.count()).select_from(DeskLabel).where(DeskLabel.brand_account_id == brand_id)
    )
    if int(count or 0) + adding > MAX_PER_BRAND:
        raise InvalidDeskRequest(f"Validation failed: at most {MAX_PER_BRAND} labels")


async def create(tx: Tx, actor: Actor, raw: Mapping[str, object]) -> DeskLabel:
    await access.manager(tx.session, actor, NOT_MANAGER)
    name, colour, description = _fields(raw, None)
    if await _named(tx.session, actor.account_id, name) is not None:
        raise Conflict.filled(N_("A label '%(name)s' exists already"), name=name)
    await _room(tx.session, actor.account_id, 1)
    row = DeskLabel(
        id=new_id(),
        brand_account_id=actor.account_id,
        name=name,
        colour=colour,
        description=description,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    await _changed(tx, actor, row.id, "created", name)
    return row


async def _relabel(tx: Tx, brand_id: int, old: str, new: str | None) -> None:
    """Rename (``new``) or remove (None) a label on every conversation of the brand."""
    rows = await tx.session.scalars(
        select(DeskConversation).where(DeskConversation.brand_account_id == brand_id)
    )
    for row in rows:
        if old not in (row.labels or ()):
            continue
        kept = [label for label in row.labels if label != old]
        row.labels = sorted({*kept, new} if new else set(kept))


async def update(tx: Tx, actor: Actor, label_id: int, raw: Mapping[str, object]) -> DeskLabel:
    await access.manager(tx.session, actor, NOT_MANAGER)
    row = await _one(tx.session, actor.account_id, label_id)
    name, colour, description = _fields(raw, row)
    if name != row.name:
        other = await _named(tx.session, actor.account_id, name)
        if other is not None:
            raise Conflict.filled(N_("A label '%(name)s' exists already"), name=name)
        await _relabel(tx, actor.account_id, row.name, name)
    row.name, row.colour, row.description = name, colour, description
    await tx.session.flush()
    await _changed(tx, actor, row.id, "updated", name)
    return row


async def remove(tx: Tx, actor: Actor, label_id: int) -> None:
    await access.manager(tx.session, actor, NOT_MANAGER)
    row = await _one(tx.session, actor.account_id, label_id)
    await _relabel(tx, actor.account_id, row.name, None)
    await tx.session.delete(row)
    await _changed(tx, actor, label_id, "deleted", row.name)


async def ensure(tx: Tx, brand_id: int, names: Iterable[str]) -> None:
    """Add to the catalogue the labels triage used that it does not hold yet."""
    wanted = set(names)
    if not wanted:
        return
    known = set(
        await tx.session.scalars(
            select(DeskLabel.name).where(
                DeskLabel.brand_account_id == brand_id, DeskLabel.name.in_(wanted)
            )
        )
    )
    missing = sorted(wanted - known)
    if missing:
        await _room(tx.session, brand_id, len(missing))
    moment = now()
    tx.session.add_all(
        DeskLabel(
            id=new_id(),
            brand_account_id=brand_id,
            name=name,
            colour=DEFAULT_COLOUR,
            description="",
            created_at=moment,
        )
        for name in missing
    )
