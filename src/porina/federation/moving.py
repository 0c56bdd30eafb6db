"""Moving a local account away (Mastodon's account migration, the outgoing ``Move``).

The target must name this account in its own ``alsoKnownAs``: for an account on another
server the caller fetches its actor document afresh (``target_agrees``, outside any
transaction) before ``move_away`` writes; a local target must list it among its aliases
(``aliases``, checked again in the transaction). ``move_away`` marks the account moved
(``moved_to_account_id``: ``movedTo`` on its actor document, ``moved`` in the Mastodon
``Account`` entity; ``moved_at``), queues a ``Move`` to its remote followers' servers (a
shared inbox once per server; they move their people as Mastodon's ``MoveWorker`` does), and
moves its local followers itself: each follows the target and unfollows the account, through
the same follow actions a person's request takes (a follower the target blocks, or who blocks
it, keeps following; a locked target gets follow requests). Local accounts' blocks and mutes
of it carry over to the target (``moves.carry_over``).

As Mastodon, an account that moved can move again (redirecting to the new target), but not
within ``COOLDOWN`` (30 days) of its last move, and not to the account it moved to already:
422, nothing written.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account, Follow
from porina.core.actor import Actor
from porina.core.clock import aware, now
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

COOLDOWN = timedelta(days=30)
NOT_AN_ALIAS = "the target account does not list this account in alsoKnownAs"
CANNOT = "the target account cannot be moved to"
ALREADY = "this account has moved to that account already"
COOLING = "this account moved less than 30 days ago and cannot move again yet"


async def target_agrees(db: Database, client: OutboundClient, target: Account, me: str) -> bool:
    """The target's actor document, fetched now, lists ``me`` in ``alsoKnownAs``."""
    document = await fetch_json(client, str(target.uri), db=db)
    return me in notes.listed(document.get("alsoKnownAs"))


def _may_move(me: Account, target: Account) -> None:
    """422 unless ``me`` may move to ``target`` now (another account, no cool-down)."""
    if target.id == me.id or target.suspended_at is not None:
        raise Unprocessable(f"Validation failed: {CANNOT}")
    if me.moved_to_account_id == target.id:
        raise Unprocessable(f"Validation failed: {ALREADY}", code="move_already_moved")
    if me.moved_at is not None and now() - aware(me.moved_at) < COOLDOWN:
        raise Unprocessable(f"Validation failed: {COOLING}", code="move_cooldown")


async def move(
    db: Database,
    client: OutboundClient,
    actor: Actor,
    acct: str,
    base: str,
    *,
    local: Collection[str] = frozenset(),
) -> Account:
    """Move ``actor``'s account to the account ``acct`` names (on another server, or here:
    ``name`` or ``name@`` a ``local`` domain), after checking (outside any transaction) that it
    lists this one; 422, nothing written, otherwise. The target."""
    try:
        target = await aliases.find(db, client, acct, local=local, base=base)
    except Unprocessable:
        raise Unprocessable(f"Validation failed: {CANNOT}") from None
    async with db.read() as session:
        me = await session.get(Account, actor.account_id)
        known = await aliases.also_known_as(session, target.id)
    if me is None or me.domain is not None:
        raise Unprocessable(f"Validation failed: {CANNOT}")
    _may_move(me, target)
    uri = doc.actor_url(base, me.username)
    agrees = uri in known if target.domain is None else await target_agrees(db, client, target, uri)
    if not agrees:
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


async def _checked(tx: Tx, actor: Actor, target_id: int, base: str) -> tuple[Account, Account]:
    """The moving account and its target, refused (422) as ``move`` refuses."""
    me = await tx.session.get(Account, actor.account_id)
    target = await tx.session.get(Account, target_id)
    if me is None or me.domain is not None:
        raise Unprocessable("Validation failed: only a local account can move")
    if target is None or (target.domain is not None and not target.uri):
        raise Unprocessable(f"Validation failed: {CANNOT}")
    _may_move(me, target)
    if target.domain is None:
        known = await aliases.also_known_as(tx.session, target.id)
        if doc.actor_url(base, me.username) not in known:
            raise Unprocessable(f"Validation failed: {NOT_AN_ALIAS}")
    return me, target


async def move_away(tx: Tx, actor: Actor, target_id: int, base: str) -> Account:
    """Move ``actor``'s account to the account ``target_id`` (which agreed)."""
    me, target = await _checked(tx, actor, target_id, base)
    me.moved_to_account_id, me.moved_at = target.id, now()
    await tx.session.flush()
    uri = doc.actor_url(base, me.username)
    move: dict[str, Any] = {
        "@context": doc.CONTEXT,
        "id": f"{uri}#moves/{new_id()}",
        "type": "Move",
        "actor": uri,
        "object": uri,
        "target": aliases.actor_id(target, base),
    }
    for inbox in inboxes("public", await _remote_followers(tx, me.id), []):
        await queue_delivery(tx, me.id, inbox, move)
    for follower_id in await moves.local_followers(tx, me.id):
        await moves.refollow(tx, follower_id, me.id, target.id)
    await moves.carry_over(tx, me.id, target.id)
    # its actor's Update (now with movedTo) goes to the followers' servers too, as Mastodon's
    await emit(tx, ProfileUpdated(actor=actor, account_id=me.id, changed="moved"))
    return me
