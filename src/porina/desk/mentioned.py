"""The *Mentioned* view's own rows (``desk_mentioned``, migration 0043): one per colleague and
conversation a note mentioned them in, carrying the conversation's brand, status, snooze and
last activity, so the view's page is a range scan of the colleague's rows on
``(user_id, brand_account_id, last_activity_at, conversation_id)`` (docs/performance.md,
"The desk at scale") instead of a walk over the brand's conversations.

Kept in the transaction that changes the conversation: a note that mentions colleagues adds
their rows (``add``); an item that moves the conversation's activity or reopens it
(``DeskItemAdded``, not the light kinds: those change neither, nor when the filing read that
the conversation has no rows) and a change of status
(``DeskStatusChanged``) copy the conversation's columns onto its rows in one ``UPDATE``
(none when nobody was mentioned in it). ``desk_mentions`` stays the record of which note
mentioned whom; ``tests/desk/test_fast_reads.py`` checks the view against it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, bindparam, select, update

from porina.desk.events import DeskItemAdded, DeskStatusChanged
from porina.desk.inbox import LIGHT
from porina.desk.models import DeskConversation, DeskMentioned
from porina.jobs.events import subscribe
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

C = DeskConversation
_CONVERSATION = bindparam("porina_conversation", type_=BigInteger)


def _of_conversation(column: str) -> object:
    return select(getattr(C, column)).where(C.id == _CONVERSATION).scalar_subquery()


_COPY = Prebuilt(
    update(DeskMentioned)
    .where(DeskMentioned.conversation_id == _CONVERSATION)
    .values(
        status=_of_conversation("status"),
        snooze_until=_of_conversation("snooze_until"),
        last_activity_at=_of_conversation("last_activity_at"),
    )
)


async def add(tx: Tx, conversation: DeskConversation, user_ids: Iterable[int]) -> None:
    """Colleagues a note mentions: the conversation is in their *Mentioned* view."""
    for user_id in sorted(set(user_ids)):
        row = {
            "user_id": user_id,
            "conversation_id": conversation.id,
            "brand_account_id": conversation.brand_account_id,
            "status": conversation.status,
            "snooze_until": conversation.snooze_until,
            "last_activity_at": conversation.last_activity_at,
        }
        await tx.insert_if_absent(DeskMentioned, row, unique=("user_id", "conversation_id"))


async def copy(tx: Tx, conversation_id: int) -> None:
    """The conversation's status, snooze and last activity onto its mention rows."""
    await tx.run(_COPY, {"porina_conversation": conversation_id})


@subscribe(DeskItemAdded, when=lambda e: e.kind not in LIGHT and e.has_mentioned is not False)
async def item_added(tx: Tx, event: DeskItemAdded) -> None:
    """No ``UPDATE`` when the filing read that nobody was mentioned in the conversation (a
    note, the only way in, is not in a customer's post's transaction)."""
    await copy(tx, event.conversation_id)


@subscribe(DeskStatusChanged)
async def status_changed(tx: Tx, event: DeskStatusChanged) -> None:
    await copy(tx, event.conversation_id)
