"""Incoming ``Move``: a remote account moved to another account, as Mastodon's
``ActivityPub::Activity::Move`` and ``MoveWorker`` handle it.

The inbox has checked that the sender signed the activity. ``on_move`` accepts a Move only of
the sender itself (``object`` is the sender's id) to a ``target`` that is another actor, and
queues ``federation.move``: the target is fetched afresh outside any transaction (a Move is
trusted only when the target's own ``alsoKnownAs`` names the old account, so nobody can
move someone's followers to an account that did not agree), then the old account is marked
moved (``moved_to_account_id``: the Mastodon API's ``moved``) and each local follower of it
follows the target instead, through the same follow and unfollow actions a person's request
takes (so the remote servers are sent ``Follow`` and ``Undo``). A follower the target blocks,
or who blocks it, keeps following the old account. Followers are not notified (Mastodon
neither: its apps show the account as moved). A move to a local account is taken when that
account lists the old one among its aliases (``aliases``: no fetch needed).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.accounts import graph
from porina.accounts import queries as account_queries
from porina.accounts.models import Account, Follow
from porina.core.actor import Actor
from porina.core.errors import PorinaError
from porina.federation import aliases, notes
from porina.federation.dispatch import FederationContext, base_url
from porina.federation.remote import actor_columns, fetch_json, store_actor
from porina.jobs.queue import enqueue, handler
from porina.storage.db import Tx

MOVE = "federation.move"


async def on_move(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """Queue the move of the sender's local followers (checked against the target first)."""
    target = activity.get("target")
    if activity.get("object") != sender.uri or not isinstance(target, str):
        return
    if target == sender.uri or sender.moved_to_account_id is not None:
        return
    payload = {"account_id": str(sender.id), "target": target}
    await enqueue(tx, MOVE, payload, key=f"{MOVE}:{sender.id}")


async def local_followers(tx: Tx, account_id: int) -> list[int]:
    """The local followers of ``account_id``."""
    rows = await tx.session.scalars(
        select(Follow.account_id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == account_id, Account.domain.is_(None))
    )
    return list(rows)


async def refollow(tx: Tx, follower_id: int, old_id: int, new_id: int) -> None:
    actor = Actor(account_id=follower_id)
    try:
        await graph.follow(tx, actor, new_id)
    except PorinaError:
        return  # blocked either way: the follow of the old account stays
    await graph.unfollow(tx, actor, old_id)


async def _finish(tx: Tx, old: Account, new: Account) -> None:
    """Mark ``old`` moved to ``new`` and take its local followers there."""
    old.moved_to_account_id = new.id
    for follower_id in await local_followers(tx, old.id):
        await refollow(tx, follower_id, old.id, new.id)


async def _move_here(ctx: FederationContext, old_id: int, name: str) -> None:
    """A move to a local account: only one that lists the old account as an alias."""
    async with ctx.db.transaction() as tx:
        new = await account_queries.local(tx.session, name)
        old = await tx.session.get(Account, old_id)
        if new is None or old is None or old.uri is None:
            return
        if old.uri in await aliases.also_known_as(tx.session, new.id):
            await _finish(tx, old, new)


@handler(MOVE)
async def move(ctx: FederationContext, payload: dict[str, Any]) -> None:
    old_id, target = int(payload["account_id"]), str(payload["target"])
    here = f"{base_url(ctx)}/users/"
    if target.startswith(here):
        await _move_here(ctx, old_id, target.removeprefix(here))
        return
    document = await fetch_json(ctx.outbound, target, db=ctx.db)
    columns = actor_columns(document, target)
    async with ctx.db.transaction() as tx:
        old = await tx.session.get(Account, old_id)
        if old is None or old.uri not in notes.listed(document.get("alsoKnownAs")):
            return  # the target does not name the old account: no move
        new = await store_actor(tx, columns)
        if new.suspended_at is None and new.id != old.id:
            await _finish(tx, old, new)
