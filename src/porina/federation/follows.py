"""Remote follows of local accounts: ``receive`` records one (a group's is the group's own
join, ``groups.actions.join``), answering a refused one with ``Reject``; and the ActivityPub
id of a follow, kept on the follow (or the request waiting for approval) so an ``Accept`` or
an ``Undo`` can name the ``Follow`` it answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from porina.accounts import graph
from porina.accounts.errors import Blocked
from porina.accounts.models import Account, Follow, FollowRequest
from porina.core.actor import Actor
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation.dispatch import queue_delivery
from porina.groups.actions import join
from porina.groups.errors import Banned, GroupNotFound
from porina.storage.db import Tx


async def keep_uri(tx: Tx, follower_id: int, target_id: int, uri: str | None) -> None:
    """Write ``uri`` on ``follower_id``'s follow of ``target_id``, whichever of the two it is."""
    for model in (Follow, FollowRequest):
        await tx.session.execute(
            update(model)
            .where(model.account_id == follower_id, model.target_account_id == target_id)
            .values(uri=uri)
            .execution_options(synchronize_session=False)
        )


async def receive(
    tx: Tx, sender: Account, target: Account, activity: dict[str, Any], base: str
) -> None:
    """``sender`` follows the local ``target``: a follow, or a request to a locked account.
    Following a group joins it, by the group's rules (a public group at once; a private one
    by a request its moderators approve, or at once when invited). A follow the target's
    block refuses, a banned person's, or one of a hidden group by someone not invited, is
    answered ``Reject`` (as Mastodon answers a blocked account's follow)."""
    uri = activity.get("id") if isinstance(activity.get("id"), str) else None
    try:
        if target.actor_type == "Group":
            await join(tx, Actor(account_id=sender.id), target.id)
        else:
            await graph.follow(tx, Actor(account_id=sender.id), target.id)
    except (Blocked, Banned, GroupNotFound):
        await _refuse(tx, sender, target, uri, base)
        return
    await keep_uri(tx, sender.id, target.id, uri)


async def _refuse(tx: Tx, sender: Account, target: Account, uri: str | None, base: str) -> None:
    if not sender.inbox_url or not sender.uri:
        return
    me = doc.actor_url(base, target.username)
    follow = {"id": uri or f"{sender.uri}#follow", "type": "Follow", "actor": sender.uri}
    activity = {
        "@context": doc.CONTEXT,
        "id": f"{me}#rejects/follows/{sender.id}/{new_id()}",
        "type": "Reject",
        "actor": me,
        "object": {**follow, "object": me},
    }
    await queue_delivery(tx, target.id, sender.inbox_url, activity)
