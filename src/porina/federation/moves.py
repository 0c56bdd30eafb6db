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
or who blocks it, keeps following the old account; a follower keeps its follow's options,
and the new account takes the old one's place in the follower's lists (once followed, not
while a locked account's request waits). Followers are not notified (Mastodon neither: its
apps show the account as moved). A move to a local account is taken when that account lists the
old one among its aliases (``aliases``: no fetch needed).

As Mastodon's ``MoveWorker``, every move (this one, and a local account's, ``moving.py``)
carries blocks and mutes over (``carry_over``): each local account that blocked the old
account blocks the new one too, each that muted it mutes the new one (the same
notifications option, for what is left of a timed mute), through the block and mute
actions, unless it follows the new account or blocks or mutes it already (so running it
again changes nothing).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from porina.accounts import graph
from porina.accounts import queries as account_queries
from porina.accounts.models import Account, Block, Follow, Mute
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.errors import PorinaError
from porina.federation import aliases, notes
from porina.federation.dispatch import FederationContext, base_url
from porina.federation.remote import actor_columns, fetch_json, store_actor
from porina.jobs.queue import enqueue, handler
from porina.lists import actions as list_actions
from porina.lists.models import List, ListAccount
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


async def _keep_lists(tx: Tx, follower_id: int, old_id: int, new_id: int) -> None:
    """The follower's lists that held the old account hold the new one instead."""
    lists = await tx.session.scalars(
        select(ListAccount.list_id)
        .join(List, List.id == ListAccount.list_id)
        .where(List.account_id == follower_id, ListAccount.account_id == old_id)
    )
    for list_id in list(lists):
        try:
            await list_actions.add_accounts(tx, follower_id, list_id, [new_id])
        except PorinaError:
            return  # a request to a locked account, not a follow yet: no list takes it
        await list_actions.remove_accounts(tx, follower_id, list_id, [old_id])


async def refollow(tx: Tx, follower_id: int, old_id: int, new_id: int) -> None:
    """``follower_id`` follows ``new_id`` (with its follow's options) instead of ``old_id``."""
    actor = Actor(account_id=follower_id)
    edge = await tx.session.scalar(
        select(Follow).where(Follow.account_id == follower_id, Follow.target_account_id == old_id)
    )
    reblogs, notify, languages = (
        (edge.show_reblogs, edge.notify, edge.languages) if edge else (None, None, None)
    )
    try:
        await graph.follow(
            tx, actor, new_id, reblogs=reblogs, notify_posts=notify, languages=languages
        )
    except PorinaError:
        return  # blocked either way: the follow of the old account stays
    await _keep_lists(tx, follower_id, old_id, new_id)
    await graph.unfollow(tx, actor, old_id)


def _carried(model: type[Block] | type[Mute], old_id: int, new_id: int) -> Any:
    """Local accounts' rows of ``model`` on ``old_id`` that have none on ``new_id`` and do not
    follow it (Mastodon's ``carry_blocks_over!`` and ``carry_mutes_over!``)."""
    done = aliased(model)
    return (
        select(model)
        .join(Account, Account.id == model.account_id)
        .where(
            model.target_account_id == old_id,
            Account.domain.is_(None),
            model.account_id != new_id,
            model.account_id.not_in(
                select(done.account_id).where(done.target_account_id == new_id)
            ),
            model.account_id.not_in(
                select(Follow.account_id).where(Follow.target_account_id == new_id)
            ),
        )
    )


async def carry_over(tx: Tx, old_id: int, new_id: int) -> None:
    """Local accounts that blocked or muted ``old_id`` block or mute ``new_id`` too."""
    blocks = list(await tx.session.scalars(_carried(Block, old_id, new_id)))
    ongoing = or_(Mute.expires_at.is_(None), Mute.expires_at > now())
    mutes = list(await tx.session.scalars(_carried(Mute, old_id, new_id).where(ongoing)))
    for block in blocks:
        try:
            await graph.block(tx, Actor(account_id=block.account_id), new_id)
        except PorinaError:
            continue  # the new account is out of this one's sight: nothing to block
    for mute in mutes:
        left = aware(mute.expires_at) - now() if mute.expires_at else None
        duration = max(1, int(left.total_seconds())) if left else 0
        try:
            await graph.mute(
                tx,
                Actor(account_id=mute.account_id),
                new_id,
                notifications=mute.hide_notifications,
                duration=duration,
            )
        except PorinaError:
            continue


async def _finish(tx: Tx, old: Account, new: Account) -> None:
    """Mark ``old`` moved to ``new``, take its local followers there, carry blocks and mutes."""
    old.moved_to_account_id, old.moved_at = new.id, now()
    for follower_id in await local_followers(tx, old.id):
        await refollow(tx, follower_id, old.id, new.id)
    await carry_over(tx, old.id, new.id)


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
