"""Direct-message conversations: kept per participant as direct statuses are posted."""

from __future__ import annotations

from porina.core.errors import NotFound
from porina.messaging.models import AccountConversation
from porina.posts.models import Status
from porina.storage.db import Tx, insert_if_absent
from porina.streaming import publish


async def on_direct_status(tx: Tx, status: Status, participant_ids: list[int]) -> None:
    """A direct status was posted to ``participant_ids`` (the mentioned accounts): update every
    participant's conversation (the author's included), mark it unread for the recipients, and
    stream ``conversation`` to each."""
    conversation_id = status.thread_id or status.id
    everyone = list(dict.fromkeys([status.account_id, *participant_ids]))
    for account_id in sorted(everyone):  # one lock order for every writer: no deadlock
        others = sorted({str(i) for i in everyone if i != account_id}, key=int)
        await _upsert(tx, account_id, conversation_id, others, status)
        for channel in (f"direct:{account_id}", f"user:{account_id}"):
            publish.after_commit(
                tx,
                channel,
                "conversation",
                conversation_id=conversation_id,
                account_id=account_id,
                status_id=status.id,
            )
    await tx.session.flush()


async def _upsert(
    tx: Tx, account_id: int, conversation_id: int, others: list[str], status: Status
) -> None:
    """Create the participant's row, or (locked against a concurrent direct status in the
    same thread) add ``others`` to it and move it to ``status``. Insert-or-nothing first, so
    two first messages at once cannot both insert."""
    unread = account_id != status.account_id
    values = {
        "account_id": account_id,
        "conversation_id": conversation_id,
        "participant_ids": others,
        "last_status_id": status.id,
        "unread": unread,
        "hidden": False,
    }
    unique = ("account_id", "conversation_id")
    if await insert_if_absent(tx.session, AccountConversation, values, unique=unique):
        return
    row = await tx.session.get(
        AccountConversation,
        (account_id, conversation_id),
        with_for_update=True,
        populate_existing=True,
    )
    if row is None:  # deleted with its account meanwhile
        return
    row.participant_ids = sorted(set(others) | set(row.participant_ids), key=int)
    row.last_status_id = max(row.last_status_id, status.id)
    row.unread = unread
    row.hidden = False


async def _own(tx: Tx, account_id: int, conversation_id: int) -> AccountConversation:
    row = await tx.session.get(AccountConversation, (account_id, conversation_id))
    if row is None or row.hidden:
        raise NotFound()
    return row


async def mark_read(tx: Tx, account_id: int, conversation_id: int) -> AccountConversation:
    row = await _own(tx, account_id, conversation_id)
    row.unread = False
    await tx.session.flush()
    return row


async def hide(tx: Tx, account_id: int, conversation_id: int) -> None:
    """``DELETE /conversations/:id``: gone from the list until a new message arrives."""
    row = await _own(tx, account_id, conversation_id)
    row.hidden = True
    row.unread = False
    await tx.session.flush()
