"""Lists kept to what their owner follows (docs/events.md).

A list holds only accounts its owner follows (``actions.add_accounts``), so when a follow
ends (``Unfollowed``: an unfollow, a block either way, a removal from followers, a remote
``Undo``, ``Reject`` or ``Block``), the follower's lists let the account go, in the same
transaction, as Mastodon's ``UnfollowService`` and ``BlockService`` do. One ``DELETE``
by the indexed member column.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.lists.models import List, ListAccount
from porina.storage.db import Tx


@subscribe(ev.Unfollowed)
async def unfollowed(tx: Tx, event: ev.Unfollowed) -> None:
    owned = select(List.id).where(List.account_id == event.follower_id)
    await tx.session.execute(
        delete(ListAccount).where(
            ListAccount.account_id == event.target_id, ListAccount.list_id.in_(owned)
        )
    )
