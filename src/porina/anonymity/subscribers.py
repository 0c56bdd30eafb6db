"""A reply to an anonymous post notifies the person behind it, as a mention from the
replier: the notification is theirs alone, and nothing in it names them to anyone else."""

from __future__ import annotations

from porina.anonymity.models import Pseudonym
from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.notifications.notify import notify
from porina.storage.db import Tx


def _a_reply(event: ev.StatusCreated) -> bool:
    return event.parent_author_id is not None and event.parent_author_id != event.author_id


@subscribe(ev.StatusCreated, when=_a_reply)
async def reply_to_pseudonym(tx: Tx, event: ev.StatusCreated) -> None:
    assert event.parent_author_id is not None
    link = await tx.session.get(Pseudonym, event.parent_author_id)
    if link is None:
        return
    await notify(
        tx,
        link.author_account_id,
        event.author_id,
        "mention",
        status_id=event.status_id,
        thread_id=event.thread_id,
    )
