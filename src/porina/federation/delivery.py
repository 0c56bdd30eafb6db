"""Outgoing activities: durable subscribers of the domain events turn them into deliveries,
one ``federation.deliver`` job per inbox (shared inboxes de-duplicated), signed at send time
(``federation/dispatch.py``).

- ``Followed`` / ``FollowRequested`` (local follower, remote target) → ``Follow``;
  (remote follower, local target, no approval needed) → ``Accept``;
- ``FollowRequestAuthorized`` (remote follower) → ``Accept``;
- ``FollowRequestRejected`` (remote follower) → ``Reject``;
- ``Unfollowed`` (local follower, remote target, ended here) → ``Undo`` of the ``Follow``;
  (remote follower removed or blocked by the local target) → ``Reject``.

A follow between two accounts of this server queues no job (``reach.follow_edge``, one read
in the follow's transaction).

Posts, favourites, boosts and blocks: ``federation/outbound.py``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account, Follow, FollowRequest
from porina.core import events as ev
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation import follows, reach
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.jobs.events import subscribe
from porina.storage.db import Database


async def _pair(db: Database, follower_id: int, target_id: int) -> tuple[Account, Account] | None:
    async with db.read() as session:
        follower = await session.get(Account, follower_id)
        target = await session.get(Account, target_id)
    return None if follower is None or target is None else (follower, target)


async def _follow_uri(db: Database, follower_id: int, target_id: int) -> str | None:
    async with db.read() as session:
        for model in (Follow, FollowRequest):
            uri = await session.scalar(
                select(model.uri).where(
                    model.account_id == follower_id, model.target_account_id == target_id
                )
            )
            if uri:
                return str(uri)
    return None


def _follow_activity(base: str, follower: Account, target: Account, uri: str) -> dict[str, Any]:
    actor = follower.uri or doc.actor_url(base, follower.username)
    return {
        "id": uri,
        "type": "Follow",
        "actor": actor,
        "object": target.uri or doc.actor_url(base, target.username),
    }


async def _send_follow(ctx: FederationContext, follower: Account, target: Account) -> None:
    base = base_url(ctx)
    uri = f"{doc.actor_url(base, follower.username)}#follows/{target.id}/{new_id()}"
    async with ctx.db.transaction() as tx:
        await follows.keep_uri(tx, follower.id, target.id, uri)
        activity = {"@context": doc.CONTEXT, **_follow_activity(base, follower, target, uri)}
        await queue_delivery(tx, follower.id, str(target.inbox_url), activity)


async def _send_accept(
    ctx: FederationContext, follower: Account, target: Account, kind: str = "Accept"
) -> None:
    """``Accept`` (or ``Reject``) of the remote follower's ``Follow``."""
    base = base_url(ctx)
    uri = await _follow_uri(ctx.db, follower.id, target.id) or f"{follower.uri}#follow"
    me = doc.actor_url(base, target.username)
    activity = {
        "@context": doc.CONTEXT,
        "id": f"{me}#{kind.lower()}s/follows/{follower.id}/{new_id()}",
        "type": kind,
        "actor": me,
        "object": _follow_activity(base, follower, target, uri),
    }
    async with ctx.db.transaction() as tx:
        await queue_delivery(tx, target.id, str(follower.inbox_url), activity)


async def _on_follow(
    ctx: FederationContext, follower_id: int, target_id: int, *, follow: bool, accept: bool
) -> None:
    pair = await _pair(ctx.db, follower_id, target_id)
    if pair is None:
        return
    follower, target = pair
    if follow and follower.domain is None and target.domain is not None:
        await _send_follow(ctx, follower, target)
    elif accept and follower.domain is not None and target.domain is None:
        await _send_accept(ctx, follower, target)


@subscribe(ev.Followed, job="federation.on_followed", needed=reach.follow_edge)
async def followed(ctx: FederationContext, event: ev.Followed) -> None:
    await _on_follow(ctx, event.follower_id, event.target_id, follow=True, accept=True)


@subscribe(ev.FollowRequested, job="federation.on_follow_requested", needed=reach.follow_edge)
async def follow_requested(ctx: FederationContext, event: ev.FollowRequested) -> None:
    await _on_follow(ctx, event.follower_id, event.target_id, follow=True, accept=False)


@subscribe(
    ev.FollowRequestAuthorized, job="federation.on_follow_authorized", needed=reach.follow_edge
)
async def follow_authorized(ctx: FederationContext, event: ev.FollowRequestAuthorized) -> None:
    await _on_follow(ctx, event.follower_id, event.target_id, follow=False, accept=True)


@subscribe(ev.FollowRequestRejected, job="federation.on_follow_rejected", needed=reach.follow_edge)
async def follow_rejected(ctx: FederationContext, event: ev.FollowRequestRejected) -> None:
    pair = await _pair(ctx.db, event.follower_id, event.target_id)
    if pair is not None and pair[0].domain is not None and pair[1].domain is None:
        await _send_accept(ctx, pair[0], pair[1], "Reject")


@subscribe(ev.Unfollowed, job="federation.on_unfollowed", needed=reach.follow_edge)
async def unfollowed(ctx: FederationContext, event: ev.Unfollowed) -> None:
    """A local follower who unfollows (or blocks) a remote account sends ``Undo``; a local
    account that removes (or blocks) a remote follower sends ``Reject``. A follow that the
    remote side ended itself sends nothing back."""
    pair = await _pair(ctx.db, event.follower_id, event.target_id)
    if pair is None:
        return
    follower, target = pair
    acting = event.actor.account_id if event.actor is not None else follower.id
    if follower.domain is not None and target.domain is None and acting == target.id:
        await _send_accept(ctx, follower, target, "Reject")
    if follower.domain is not None or target.domain is None or acting != follower.id:
        return
    base = base_url(ctx)
    me = doc.actor_url(base, follower.username)
    follow = _follow_activity(base, follower, target, f"{me}#follows/{target.id}")
    activity = {
        "@context": doc.CONTEXT,
        "id": f"{me}#undo/{new_id()}",
        "type": "Undo",
        "actor": me,
        "object": follow,
    }
    async with ctx.db.transaction() as tx:
        await queue_delivery(tx, follower.id, str(target.inbox_url), activity)
