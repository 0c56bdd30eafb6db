"""What people do to statuses: favourite, bookmark, reblog (boost), mute a conversation.

Every action is idempotent, as in Mastodon: favouriting twice keeps one favourite, undoing
what was never done succeeds. Each returns the status acted on (for a reblog, the reblog).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, select, update

from porina.accounts import operators
from porina.accounts.models import Account
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
from porina.posts.access import Target, visible_target
from porina.posts.actions import bump, thread_of
from porina.posts.compose import AuthorFacts, facts_of, role_and_settings
from porina.posts.errors import NotAllowed, StatusNotFound
from porina.posts.models import Status
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

REBLOG_VISIBILITIES = ("public", "unlisted", "private")
ONE_PER_STATUS = ("account_id", "status_id")


async def _target(tx: Tx, actor: Actor, status_id: int) -> Target:
    """The visible status named, or the original when it names a reblog (one prebuilt
    statement each)."""
    return await visible_target(tx, actor.account_id, status_id)


async def _mark(tx: Tx, model: type[Favourite | Bookmark], actor: Actor, status: Target) -> bool:
    """The actor's favourite or bookmark of ``status``; False when it exists already (or a
    concurrent request made it first)."""
    row: dict[str, Any] = {
        "id": new_id(),
        "account_id": actor.account_id,
        "status_id": status.id,
        "created_at": now(),
    }
    return await tx.insert_if_absent(model, row, unique=ONE_PER_STATUS)


@functools.cache
def _unmark_statement(model: type[Favourite | Bookmark]) -> Prebuilt:
    return Prebuilt(
        delete(model).where(
            model.account_id == bindparam("porina_account", type_=BigInteger),
            model.status_id == bindparam("porina_status", type_=BigInteger),
        )
    )


async def _unmark(tx: Tx, model: type[Favourite | Bookmark], actor: Actor, status: Target) -> bool:
    """Remove the actor's favourite or bookmark of ``status``; False when there was none."""
    params = {"porina_account": actor.account_id, "porina_status": status.id}
    return bool((await tx.run(_unmark_statement(model), params)).rowcount)


async def favourite(tx: Tx, actor: Actor, status_id: int) -> Target:
    status = await _target(tx, actor, status_id)
    if not await _mark(tx, Favourite, actor, status):
        return status
    await bump(tx, Status, status.id, "favourites_count", 1, refresh=False)
    favourited = Favourited(
        actor=actor,
        status_id=status.id,
        status_author_id=status.account_id,
        thread_id=thread_of(status),
        status_local=status.local,
    )
    await emit(tx, favourited)
    return status


async def unfavourite(tx: Tx, actor: Actor, status_id: int) -> Target:
    status = await _target(tx, actor, status_id)
    if await _unmark(tx, Favourite, actor, status):
        await _unfavourited(tx, actor, status.id, status.account_id, local=status.local)
    return status


async def withdraw_favourite(tx: Tx, actor: Actor, status_id: int) -> None:
    """The actor's favourite of ``status_id`` goes whether or not they may still see the
    status (a followers-only post of someone they no longer follow, a suspended author's),
    which ``unfavourite`` answers 404 for: the count drops and ``Unfavourited`` is announced
    as by it (the deletion of the actor's account, ``moderation.purge``)."""
    params = {"porina_account": actor.account_id, "porina_status": status_id}
    if not (await tx.run(_unmark_statement(Favourite), params)).rowcount:
        return
    status = await tx.session.get(Status, status_id)
    if status is not None:
        await _unfavourited(tx, actor, status.id, status.account_id, local=status.local)


async def _unfavourited(
    tx: Tx, actor: Actor, status_id: int, author_id: int, *, local: bool
) -> None:
    await bump(tx, Status, status_id, "favourites_count", -1)
    event = Unfavourited(
        actor=actor, status_id=status_id, status_author_id=author_id, status_local=local
    )
    await emit(tx, event)


async def bookmark(tx: Tx, actor: Actor, status_id: int) -> Target:
    status = await _target(tx, actor, status_id)
    if await _mark(tx, Bookmark, actor, status):
        event = Bookmarked(actor=actor, status_id=status.id, status_author_id=status.account_id)
        await emit(tx, event)
    return status


async def unbookmark(tx: Tx, actor: Actor, status_id: int) -> Target:
    status = await _target(tx, actor, status_id)
    if await _unmark(tx, Bookmark, actor, status):
        event = Unbookmarked(actor=actor, status_id=status.id, status_author_id=status.account_id)
        await emit(tx, event)
    return status


_ACCOUNT = bindparam("porina_account", type_=BigInteger)
_STATUS = bindparam("porina_status", type_=BigInteger)


@functools.cache
def _boosts_statement() -> Prebuilt:
    """The actor's live boosts of a status (normally none or one): id and visibility."""
    return Prebuilt(
        select(Status.id, Status.visibility).where(
            Status.account_id == _ACCOUNT,
            Status.reblog_of_id == _STATUS,
            Status.deleted_at.is_(None),
        )
    )


async def reblog(tx: Tx, actor: Actor, status_id: int, visibility: str | None = None) -> Target:
    """Boost a status; returns the reblog (an existing one when boosted already). A boost
    is a top-level post to every follower, which a responder may not make."""
    status = await _target(tx, actor, status_id)
    params = {
        "porina_account": actor.account_id,
        "porina_user": actor.user_id,
        "porina_status": status.id,
    }
    role, settings, boost_id, boost_visibility = (await tx.run(booster_statement(), params)).one()
    facts = facts_of(role, settings)
    operators.refuse_role(facts.role, "boost posts")
    own = status.account_id == actor.account_id
    if status.visibility == "direct" or (status.visibility == "private" and not own):
        raise NotAllowed("This action is not allowed")
    if boost_id is not None:
        return Target(int(boost_id), actor.account_id, str(boost_visibility), None, status.id)
    chosen = _reblog_visibility(facts, status, visibility)
    boost = Target(new_id(), actor.account_id, chosen, None, status.id)
    row = {
        "id": boost.id,
        "account_id": actor.account_id,
        "visibility": chosen,
        "reblog_of_id": status.id,
        "thread_id": None,
        "application_id": actor.app_id,
        "created_by_user_id": actor.user_id,
        "created_at": now(),
        "local": True,
    }
    await tx.insert(Status, row)
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


def _reblog_visibility(facts: AuthorFacts, status: Target, asked: str | None) -> str:
    """A boost of a private status stays private; otherwise what was asked, or the
    booster's default visibility where it can be a boost's, or public."""
    if status.visibility == "private":
        return "private"
    if asked in REBLOG_VISIBILITIES:
        return asked
    preferred = facts.visibility
    return preferred if preferred in REBLOG_VISIBILITIES else "public"


@functools.cache
def booster_statement() -> Prebuilt:
    """What a boost asks before its insert, in one prebuilt statement (it was three, one of
    them through the ORM): the acting role, the booster's settings (default visibility), and
    the actor's live boost of the status if any (id and visibility; the first by id).

    Ordered by ``id + 0``, not ``id``: with ``ORDER BY id LIMIT 1`` and no statistics,
    SQLite's planner walked the booster's own posts in id order (``ix_statuses_account_id_id``
    gives that order), a table look-up each: 5.5 ms for an account with 6,776 posts, twice
    per boost. An order no index gives leaves it ``ix_statuses_reblog_of_id``, which finds
    the one row (or none) by the status and the booster; the sort is of that row."""
    boosts = select(Status.id, Status.visibility).where(
        Status.account_id == _ACCOUNT,
        Status.reblog_of_id == _STATUS,
        Status.deleted_at.is_(None),
    )
    first = boosts.order_by(Status.id + 0).limit(1)
    return Prebuilt(
        select(
            *role_and_settings(),
            first.with_only_columns(Status.id).scalar_subquery(),
            first.with_only_columns(Status.visibility).scalar_subquery(),
        )
    )


async def _count_own_status(tx: Tx, account_id: int, delta: int) -> None:
    await bump(tx, Account, account_id, "statuses_count", delta)


@functools.cache
def _named_statement() -> Prebuilt:
    return Prebuilt(select(Status.id, Status.reblog_of_id).where(Status.id == _STATUS))


@functools.cache
def _unboost_statement() -> Prebuilt:
    moment = bindparam("porina_moment", type_=Status.__table__.c.deleted_at.type)
    return Prebuilt(update(Status).where(Status.id == _STATUS).values(deleted_at=moment))


async def unreblog(tx: Tx, actor: Actor, status_id: int) -> Target:
    """Undo a boost; returns the original status."""
    await operators.refuse_limited(tx, actor, "undo boosts")
    named = (await tx.run(_named_statement(), {"porina_status": status_id})).first()
    if named is None:
        raise StatusNotFound()
    if named[1] is not None:
        status_id = int(named[1])
    params = {"porina_account": actor.account_id, "porina_status": status_id}
    boosts = [int(row[0]) for row in await tx.run(_boosts_statement(), params)]
    original = await visible_target(tx, actor.account_id, status_id)
    for boost_id in boosts:
        await tx.run(_unboost_statement(), {"porina_status": boost_id, "porina_moment": now()})
        await bump(tx, Status, original.id, "reblogs_count", -1)
        await _count_own_status(tx, actor.account_id, -1)
        unreblogged = Unreblogged(
            actor=actor,
            reblog_id=boost_id,
            reblogger_id=actor.account_id,
            status_id=original.id,
            status_author_id=original.account_id,
        )
        await emit(tx, unreblogged)
    return original


async def mute_thread(tx: Tx, actor: Actor, status_id: int) -> Target:
    """Stop notifications from the conversation ``status_id`` belongs to."""
    status = await _target(tx, actor, status_id)
    row = {"account_id": actor.account_id, "thread_id": thread_of(status)}
    await tx.insert_if_absent(StatusMute, row, unique=("account_id", "thread_id"))
    return status


async def unmute_thread(tx: Tx, actor: Actor, status_id: int) -> Target:
    status = await _target(tx, actor, status_id)
    await tx.session.execute(
        delete(StatusMute).where(
            StatusMute.account_id == actor.account_id,
            StatusMute.thread_id == thread_of(status),
        )
    )
    return status
