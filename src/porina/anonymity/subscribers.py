"""What reaches the person behind a pseudonym: a reply to their anonymous post notifies them,
as a mention from the replier (the notification is theirs alone, and nothing in it names them
to anyone else); deleting their account takes their anonymous posts with it."""

from __future__ import annotations

from sqlalchemy import select

from porina.accounts.models import Account
from porina.anonymity.models import Pseudonym
from porina.core import events as ev
from porina.core.clock import now
from porina.jobs.events import subscribe
from porina.moderation import purge
from porina.notifications.notify import notify
from porina.storage import invalidation
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


@subscribe(ev.AccountDeleted)
async def author_deleted(tx: Tx, event: ev.AccountDeleted) -> None:
    """A person who deletes their account takes their anonymous posts with them: each of their
    pseudonyms is suspended at once (its posts leave every view) and purged as their account
    is (``moderation.purge``)."""
    pseudonyms = await tx.session.scalars(
        select(Account)
        .join(Pseudonym, Pseudonym.account_id == Account.id)
        .where(Pseudonym.author_account_id == event.account_id)
    )
    moment = now()
    for account in list(pseudonyms):
        account.suspended_at = account.suspended_at or moment
        invalidation.after_commit(tx, invalidation.account_restricted(account.id))
        await tx.session.flush()
        await purge.schedule(tx, account.id)
