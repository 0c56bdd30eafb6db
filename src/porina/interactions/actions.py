"""What people do to statuses: favourite, bookmark, reblog (boost), mute a conversation.

Every action is idempotent, as in Mastodon: favouriting twice keeps one favourite, undoing
what was never done succeeds. Each returns the status acted on (for a reblog, the reblog).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from porina.accounts import operators
from porina.accounts.models import Account
from porina.accounts.queries import default_visibility
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import (
    Bookmarked,
    Favourited,
    Reblogged,
    Unbookmarked,
    Unfavourited,
    Unreblogged,
)
from porina.core.ids import new_id
from porina.interactions.models import Bookmark, Favourite, StatusMute
from porina.jobs.events import emit
from porina.posts.actions import bump, get_visible, thread_of
from porina.posts.errors import NotAllowed, StatusNotFound
from porina.posts.models import Status
from porina.storage.db import Tx, insert_if_absent

REBLOG_VISIBILITIES = ("public", "unlisted", "private")
ONE_PER_STATUS = ("account_id", "status_id")


async def _target(tx: Tx, actor: Actor, status_id: int) -> Status:
    """The visible status named, or the original when it names a reblog."""
    status = await get_visible(tx, actor.account_id, status_id)
    if status.reblog_of_id is not None:
        status = await get_visible(tx, actor.account_id, status.reblog_of_id)
    return status


async def _mark(tx: Tx, model: type[Favourite | Bookmark], actor: Actor, status: Status) -> bool:
    """The actor's favourite or bookmark of ``status``; False when it exists already (or a
    concurrent request made it first)."""
    row: dict[str, Any] = {
        "id": new_id(),
        "account_id": actor.account_id,
        "status_id": status.id,
        "created_at": now(),
    }
    return await insert_if_absent(tx.session, model, row, unique=ONE_PER_STATUS)


async def favourite(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await _target(tx, actor, status_id)
    if not await _mark(tx, Favourite, actor, status):
        return status
    await bump(tx, Status, status.id, "favourites_count", 1, refresh=False)
    favourited = Favourited(
        actor=actor,
        status_id=status.id,
        status_author_id=status.account_id,
        thread_id=thread_of(status),
    )
    await emit(tx, favourited)
    return status


async def unfavourite(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await _target(tx, actor, status_id)
    result = await tx.session.execute(
        delete(Favourite).where(
            Favourite.account_id == actor.account_id, Favourite.status_id == status.id
        )
    )
    if getattr(result, "rowcount", 0):
        await bump(tx, Status, status.id, "favourites_count", -1)
        event = Unfavourited(actor=actor, status_id=status.id, status_author_id=status.account_id)
        await emit(tx, event)
    return status


async def bookmark(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await _target(tx, actor, status_id)
    if await _mark(tx, Bookmark, actor, status):
        event = Bookmarked(actor=actor, status_id=status.id, status_author_id=status.account_id)
        await emit(tx, event)
    return status


async def unbookmark(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await _target(tx, actor, status_id)
    result = await tx.session.execute(
        delete(Bookmark).where(
            Bookmark.account_id == actor.account_id, Bookmark.status_id == status.id
        )
    )
    if getattr(result, "rowcount", 0):
        event = Unbookmarked(actor=actor, status_id=status.id, status_author_id=status.account_id)
        await emit(tx, event)
    return status


async def reblog(tx: Tx, actor: Actor, status_id: int, visibility: str | None = None) -> Status:
    """Boost a status; returns the reblog (an existing one when boosted already). A boost
    is a top-level post to every follower, which a responder may not make."""
    status = await _target(tx, actor, status_id)
    await operators.refuse_limited(tx, actor, "boost posts")
    own = status.account_id == actor.account_id
    if status.visibility == "direct" or (status.visibility == "private" and not own):
        raise NotAllowed("This action is not allowed")
    existing = await tx.session.scalar(
        select(Status).where(
            Status.account_id == actor.account_id,
            Status.reblog_of_id == status.id,
            Status.deleted_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    chosen = await _reblog_visibility(tx, actor, status, visibility)
    moment = now()
    boost = Status(
        id=new_id(),
        account_id=actor.account_id,
        visibility=chosen,
        reblog_of_id=status.id,
        thread_id=None,
        application_id=actor.app_id,
        created_by_user_id=actor.user_id,
        created_at=moment,
        local=True,
        media=[],
        mentions=[],
        tags=[],
        emojis=[],
    )
    tx.session.add(boost)
    await tx.session.flush()
    await bump(tx, Status, status.id, "reblogs_count", 1)
    await _count_own_status(tx, actor.account_id, 1)
    reblogged = Reblogged(
        actor=actor,
        reblog_id=boost.id,
        reblogger_id=actor.account_id,
        status_id=status.id,
        status_author_id=status.account_id,
        thread_id=thread_of(status),
    )
    await emit(tx, reblogged)
    return boost


async def _reblog_visibility(tx: Tx, actor: Actor, status: Status, asked: str | None) -> str:
    """A boost of a private status stays private; otherwise what was asked, or the
    booster's default visibility where it can be a boost's, or public."""
    if status.visibility == "private":
        return "private"
    if asked in REBLOG_VISIBILITIES:
        return asked
    preferred = await default_visibility(tx.session, actor.account_id)
    return preferred if preferred in REBLOG_VISIBILITIES else "public"


async def _count_own_status(tx: Tx, account_id: int, delta: int) -> None:
    await bump(tx, Account, account_id, "statuses_count", delta)


async def unreblog(tx: Tx, actor: Actor, status_id: int) -> Status:
    """Undo a boost; returns the original status."""
    await operators.refuse_limited(tx, actor, "undo boosts")
    status = await tx.session.get(Status, status_id)
    if status is None:
        raise StatusNotFound()
    if status.reblog_of_id is not None:
        status_id = status.reblog_of_id
    boosts = list(
        await tx.session.scalars(
            select(Status).where(
                Status.account_id == actor.account_id,
                Status.reblog_of_id == status_id,
                Status.deleted_at.is_(None),
            )
        )
    )
    original = await get_visible(tx, actor.account_id, status_id)
    for boost in boosts:
        boost.deleted_at = now()
        await bump(tx, Status, original.id, "reblogs_count", -1)
        await _count_own_status(tx, actor.account_id, -1)
        await tx.session.flush()
        unreblogged = Unreblogged(
            actor=actor,
            reblog_id=boost.id,
            reblogger_id=actor.account_id,
            status_id=original.id,
            status_author_id=original.account_id,
        )
        await emit(tx, unreblogged)
    return original


async def mute_thread(tx: Tx, actor: Actor, status_id: int) -> Status:
    """Stop notifications from the conversation ``status_id`` belongs to."""
    status = await _target(tx, actor, status_id)
    row = {"account_id": actor.account_id, "thread_id": thread_of(status)}
    await insert_if_absent(tx.session, StatusMute, row, unique=("account_id", "thread_id"))
    return status


async def unmute_thread(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await _target(tx, actor, status_id)
    await tx.session.execute(
        delete(StatusMute).where(
            StatusMute.account_id == actor.account_id,
            StatusMute.thread_id == thread_of(status),
        )
    )
    return status
