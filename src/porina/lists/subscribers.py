"""Lists kept to what their owner follows (docs/events.md).

A list holds only accounts its owner follows (``actions.add_accounts``), so when a follow
ends (``Unfollowed``: an unfollow, a block either way, a removal from followers, a remote
``Undo``, ``Reject`` or ``Block``), the follower's lists let the account go, in the same
transaction, as Mastodon's ``UnfollowService`` and ``BlockService`` do. One ``DELETE``
by the indexed member column.
"""

from __future__ import annotations

import functools

from sqlalchemy import BigInteger, bindparam, delete, select

from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.lists.models import List, ListAccount
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt


@functools.cache
def _leave_statement() -> Prebuilt:
    """Built and compiled once; run as a prebuilt statement in the unfollow's transaction (on
    SQLite no hop to the driver's thread while the write lock is held)."""
    owned = select(List.id).where(List.account_id == bindparam("porina_follower", type_=BigInteger))
    return Prebuilt(
        delete(ListAccount).where(
            ListAccount.account_id == bindparam("porina_target", type_=BigInteger),
            ListAccount.list_id.in_(owned),
        )
    )


@subscribe(ev.Unfollowed)
async def unfollowed(tx: Tx, event: ev.Unfollowed) -> None:
    params = {"porina_follower": event.follower_id, "porina_target": event.target_id}
    await tx.run(_leave_statement(), params)
