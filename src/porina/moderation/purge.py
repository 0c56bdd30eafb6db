"""Deleting a suspended account's data (Mastodon's ``DELETE /api/v1/admin/accounts/:id``).

Only a suspended account may be purged (Mastodon's policy). A durable job removes what it left
in other people's views through the actions that undo each thing, so counters, lists and
feeds follow and the events are emitted: its statuses and boosts (``delete_status``), its
favourites (``withdraw_favourite``), its follows both ways (``end_follow``: ``Unfollowed``,
so the other side's lists and home feed let it go), its follow requests; then its profile is
blanked. Favourites and follows go whether or not the account may still see the other side:
one with an account suspended meanwhile goes the same way (its counts are right if that
account comes back). The account row stays, suspended, so its name is not taken again. The
job works in batches, each its own transaction, and stops if the account is unsuspended
meanwhile; run again, it carries on where it stopped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from porina.accounts import graph
from porina.accounts.models import Account, Follow, FollowRequest
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound
from porina.core.ids import parse_id
from porina.interactions import actions as interactions
from porina.interactions.models import Favourite
from porina.jobs import queue
from porina.jobs.queue import JobContext
from porina.posts.editing import delete_status
from porina.posts.models import Status
from porina.storage.db import Tx

PURGE = "moderation.purge_account"
BATCH = 50


async def schedule(tx: Tx, account_id: int) -> None:
    """Queue the purge of a suspended account (403 for one that is not suspended) and mark it
    deleted: it can no longer be unsuspended."""
    account = await tx.session.get(Account, account_id)
    if account is None:
        raise NotFound()
    if account.suspended_at is None:
        raise Forbidden("This action is not allowed")
    account.deleted_at = account.deleted_at or now()
    await queue.enqueue(tx, PURGE, {"account_id": str(account_id)}, key=f"{PURGE}:{account_id}")


async def _statuses(tx: Tx, actor: Actor) -> int:
    ids = list(
        await tx.session.scalars(
            select(Status.id)
            .where(Status.account_id == actor.account_id, Status.deleted_at.is_(None))
            .order_by(Status.id.desc())
            .limit(BATCH)
        )
    )
    for status_id in ids:
        try:
            await delete_status(tx, actor, status_id)
        except NotFound:
            continue  # a boost deleted with its original earlier in this batch
    return len(ids)


async def _favourites(tx: Tx, actor: Actor) -> int:
    rows = list(
        await tx.session.scalars(
            select(Favourite.status_id).where(Favourite.account_id == actor.account_id).limit(BATCH)
        )
    )
    for status_id in rows:
        await interactions.withdraw_favourite(tx, actor, status_id)
    return len(rows)


async def _follows(tx: Tx, actor: Actor) -> int:
    me = actor.account_id
    rows = list(
        await tx.session.execute(
            select(Follow.account_id, Follow.target_account_id)
            .where(or_(Follow.account_id == me, Follow.target_account_id == me))
            .limit(BATCH)
        )
    )
    for follower, target in rows:
        await graph.end_follow(tx, actor, follower, target)
    await tx.session.execute(
        delete(FollowRequest).where(
            or_(FollowRequest.account_id == me, FollowRequest.target_account_id == me)
        )
    )
    return len(rows)


def _blank(account: Account) -> None:
    account.display_name = ""
    account.note = ""
    account.note_source = ""
    account.fields = []
    account.avatar_path = None
    account.header_path = None
    account.avatar_remote_url = None
    account.header_remote_url = None


@queue.handler(PURGE)
async def purge_account(ctx: JobContext, payload: dict[str, Any]) -> None:
    account_id = parse_id(payload.get("account_id"))
    if account_id is None:
        return
    actor = Actor(account_id)
    while True:
        async with ctx.db.transaction() as tx:
            account = await tx.session.get(Account, account_id)
            if account is None or account.suspended_at is None:
                return  # gone, or unsuspended meanwhile: nothing more to delete
            done = 0
            for step in (_statuses, _favourites, _follows):
                done += await step(tx, actor)
            if not done:
                _blank(account)
                return
