"""Moving a local account away (Mastodon's account migration, the outgoing ``Move``).

The target must name this account in its own ``alsoKnownAs``: the caller fetches the target's
actor document afresh (``target_agrees``, outside any transaction) before ``move_away`` writes.
``move_away`` marks the account moved (``moved_to_account_id``: ``movedTo`` on its actor
document, ``moved`` in the Mastodon ``Account`` entity), queues a ``Move`` to its remote
followers' servers (a shared inbox once per server; they move their people as Mastodon's
``MoveWorker`` does), and moves its local followers itself: each follows the target and
unfollows the account, through the same follow actions a person's request takes (a follower
the target blocks, or who blocks it, keeps following). A moved account cannot move again here
(Mastodon allows it after a cool-down; not built).

Moving to a local account is not offered yet: a local account has no aliases to list.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account, Follow
from porina.core.actor import Actor
from porina.core.errors import Unprocessable
from porina.core.events import ProfileUpdated
from porina.core.ids import new_id
from porina.federation import aliases, moves, notes
from porina.federation import documents as doc
from porina.federation.dispatch import queue_delivery
from porina.federation.outbound import Recipient, inboxes
from porina.federation.remote import fetch_json
from porina.http.client import OutboundClient
from porina.jobs.events import emit
from porina.storage.db import Database, Tx


async def target_agrees(db: Database, client: OutboundClient, target: Account, me: str) -> bool:
    """The target's actor document, fetched now, lists ``me`` in ``alsoKnownAs``."""
    document = await fetch_json(client, str(target.uri), db=db)
    return me in notes.listed(document.get("alsoKnownAs"))


NOT_AN_ALIAS = "the target account does not list this account in alsoKnownAs"
CANNOT = "the target account cannot be moved to"


async def move(db: Database, client: OutboundClient, actor: Actor, acct: str, base: str) -> Account:
    """Move ``actor``'s account to the account ``acct`` names, after checking (outside any
    transaction) that it lists this one; 422, nothing written, otherwise. The target."""
    try:
        target = await aliases.find(db, client, acct)
    except Unprocessable:
        raise Unprocessable(f"Validation failed: {CANNOT}") from None
    async with db.read() as session:
        me = await session.get(Account, actor.account_id)
    if me is None or target.domain is None:
        raise Unprocessable(f"Validation failed: {CANNOT}")
    if not await target_agrees(db, client, target, doc.actor_url(base, me.username)):
        raise Unprocessable(f"Validation failed: {NOT_AN_ALIAS}")
    async with db.transaction() as tx:
        await move_away(tx, actor, target.id, base)
    return target


async def _remote_followers(tx: Tx, account_id: int) -> list[Recipient]:
    rows = await tx.session.execute(
        select(Account.inbox_url, Account.shared_inbox_url)
        .join(Follow, Follow.account_id == Account.id)
        .where(
            Follow.target_account_id == account_id,
            Account.domain.is_not(None),
            Account.inbox_url.is_not(None),
        )
    )
    return [Recipient(str(inbox), str(shared) if shared else None) for inbox, shared in rows]


async def move_away(tx: Tx, actor: Actor, target_id: int, base: str) -> Account:
    """Move ``actor``'s account to the remote account ``target_id`` (which agreed)."""
    me = await tx.session.get(Account, actor.account_id)
    target = await tx.session.get(Account, target_id)
    if me is None or me.domain is not None:
        raise Unprocessable("Validation failed: only a local account can move")
    if target is None or target.domain is None or target.suspended_at is not None:
        raise Unprocessable(f"Validation failed: {CANNOT}")
    if me.moved_to_account_id is not None:
        raise Unprocessable("Validation failed: this account has moved already")
    me.moved_to_account_id = target.id
    await tx.session.flush()
    uri = doc.actor_url(base, me.username)
    move: dict[str, Any] = {
        "@context": doc.CONTEXT,
        "id": f"{uri}#moves/{new_id()}",
        "type": "Move",
        "actor": uri,
        "object": uri,
        "target": target.uri,
    }
    for inbox in inboxes("public", await _remote_followers(tx, me.id), []):
        await queue_delivery(tx, me.id, inbox, move)
    for follower_id in await moves.local_followers(tx, me.id):
        await moves.refollow(tx, follower_id, me.id, target.id)
    # its actor's Update (now with movedTo) goes to the followers' servers too, as Mastodon's
    await emit(tx, ProfileUpdated(actor=actor, account_id=me.id, changed="moved"))
    return me
