"""The desk's live part: conversation changes announced on the brand's ``desk:{brand_id}``
broker channel after the action's transaction commits, for ``stream=desk``.

The message carries ids only (``{"event": "desk.conversation", "conversation_id": ...}``);
the streaming endpoint checks, when it delivers, that the reader works this brand's desk.
Notes included: a note only says that the conversation changed, and only the brand's staff
(owner, manager, agent) are let onto the channel.
"""

from __future__ import annotations

from porina.desk.events import (
    DeskAssigned,
    DeskItemAdded,
    DeskNoteAdded,
    DeskReplied,
    DeskStatusChanged,
)
from porina.jobs.events import subscribe
from porina.storage.db import Tx
from porina.streaming.publish import after_commit

EVENT = "desk.conversation"

Changed = DeskItemAdded | DeskAssigned | DeskStatusChanged | DeskReplied | DeskNoteAdded


def channel(brand_id: int) -> str:
    return f"desk:{brand_id}"


def _announce(tx: Tx, event: Changed) -> None:
    after_commit(tx, channel(event.brand_account_id), EVENT, conversation_id=event.conversation_id)


@subscribe(DeskItemAdded)
async def item_added(tx: Tx, event: DeskItemAdded) -> None:
    _announce(tx, event)


@subscribe(DeskAssigned)
async def assigned(tx: Tx, event: DeskAssigned) -> None:
    _announce(tx, event)


@subscribe(DeskStatusChanged)
async def status_changed(tx: Tx, event: DeskStatusChanged) -> None:
    _announce(tx, event)


@subscribe(DeskReplied)
async def replied(tx: Tx, event: DeskReplied) -> None:
    _announce(tx, event)


@subscribe(DeskNoteAdded)
async def note_added(tx: Tx, event: DeskNoteAdded) -> None:
    _announce(tx, event)
