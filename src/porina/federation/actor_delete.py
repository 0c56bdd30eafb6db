"""A remote actor deleted itself (a ``Delete`` whose object is the sender's own actor id,
signed by the sender): Mastodon's ``DeleteAccountService`` for a remote account.

The account is suspended at once, so it and everything it wrote leave every view (timelines,
threads, profiles, search, notifications: the same rules as a moderator's suspension), and
marked deleted, so no one can unsuspend it. Then the moderation purge
(``moderation/purge.py``) removes what it left here through the actions that undo each
thing, so counts, feeds and events follow: its statuses and boosts, its favourites, its
follows both ways and its follow requests; its profile is blanked. The row stays, so a
later delivery signed by the same key finds a deleted account and is ignored.
"""

from __future__ import annotations

from porina.accounts.models import Account
from porina.core.clock import now
from porina.moderation import purge
from porina.storage import invalidation
from porina.storage.db import Tx


async def remove_account(tx: Tx, sender: Account) -> None:
    """Suspend ``sender`` (a remote account) and queue the purge of what it left here."""
    if sender.domain is None or sender.deleted_at is not None:
        return
    sender.suspended_at = sender.suspended_at or now()
    await tx.session.flush()
    invalidation.after_commit(tx, invalidation.account_restricted(sender.id))
    await purge.schedule(tx, sender.id)
