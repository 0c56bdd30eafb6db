"""The social graph's writers: follows and follow requests, blocks, mutes, notes, endorsements,
domain blocks. Follower counters on account rows change in the same transaction as the edge."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    bindparam,
    case,
    delete,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased

from porina.accounts import queries
from porina.accounts.errors import AccountNotFound, InvalidAccountField, SelfAction
from porina.accounts.errors import Blocked as BlockedError
from porina.accounts.models import (
    Account,
    AccountNote,
    AccountPin,
    Block,
    DomainBlock,
    Follow,
    FollowRequest,
    Mute,
)
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound
from porina.core.events import (
    Blocked,
    Followed,
    FollowRequestAuthorized,
    FollowRequested,
    FollowRequestRejected,
    Muted,
    Unblocked,
    Unfollowed,
    Unmuted,
)
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt, Row

MAX_NOTE = 2000


async def _target(
    tx: Tx, actor: Actor, target_id: int | None, *, allow_self: bool = False
) -> Account:
    target = await queries.account(tx.session, target_id, actor.account_id)
    if target.id == actor.account_id and not allow_self:
        raise SelfAction("This action is not allowed")
    return target


_FOLLOWER = bindparam("porina_follower", type_=BigInteger)
_TARGET = bindparam("porina_target", type_=BigInteger)


@functools.cache
def _bump_statement() -> Prebuilt:
    """Both counters of a follow in one ``UPDATE`` (the follower's ``following_count``, the
    target's ``followers_count``, which a pseudonym's follow leaves alone: it answered in a
    group, it did not join it); built and compiled once."""
    delta = bindparam("porina_delta", type_=Integer)
    follower = aliased(Account)
    counted = ~exists().where(follower.id == _FOLLOWER, follower.pseudonym.is_(True))
    return Prebuilt(
        update(Account)
        .where(Account.id.in_([_FOLLOWER, _TARGET]))
        .values(
            following_count=Account.following_count
            + case((Account.id == _FOLLOWER, delta), else_=0),
            followers_count=Account.followers_count
            + case((and_(Account.id == _TARGET, counted), delta), else_=0),
        )
    )


async def _bump(tx: Tx, follower_id: int, target_id: int, delta: int) -> None:
    params = {"porina_follower": follower_id, "porina_target": target_id, "porina_delta": delta}
    await tx.run(_bump_statement(), params)


@dataclass(frozen=True, slots=True)
class Followee:
    """The account a follow or unfollow acted on, as the callers need it: the API answers
    with the relationship (by ``id``); the web loads the account after commit."""

    id: int
    locked: bool


@functools.cache
def _followee_statement() -> Prebuilt:
    """Before a follow, in one row: the target if the follower may see it (as
    ``queries.account``), whether it is locked, a block either way, and the follow or request
    that exists already (which following again updates). Built and compiled once, run as a
    prebuilt statement in the write's transaction (on SQLite no hop to the driver's thread
    while the write lock is held)."""
    return Prebuilt(
        select(
            Account.id,
            Account.locked,
            exists().where(
                or_(
                    and_(Block.account_id == _FOLLOWER, Block.target_account_id == _TARGET),
                    and_(Block.account_id == _TARGET, Block.target_account_id == _FOLLOWER),
                )
            ),
            exists().where(Follow.account_id == _FOLLOWER, Follow.target_account_id == _TARGET),
            exists().where(
                FollowRequest.account_id == _FOLLOWER, FollowRequest.target_account_id == _TARGET
            ),
        ).where(Account.id == _TARGET, queries.visible_to(_FOLLOWER))
    )


async def _followee(tx: Tx, actor: Actor, target_id: int | None) -> tuple[Followee, Row]:
    """The target (AccountNotFound, SelfAction as ``_target``) and its edges with the actor:
    (blocked, following, requested)."""
    if target_id is None:
        raise AccountNotFound()
    params = {"porina_follower": actor.account_id, "porina_target": target_id}
    row = (await tx.run(_followee_statement(), params)).first()
    if row is None:
        raise AccountNotFound()
    if int(row[0]) == actor.account_id:
        raise SelfAction("This action is not allowed")
    return Followee(int(row[0]), bool(row[1])), (bool(row[2]), bool(row[3]), bool(row[4]))


async def _add_follow(
    tx: Tx,
    follower_id: int,
    target_id: int,
    *,
    reblogs: bool,
    notify_posts: bool,
    languages: list[str] | None,
) -> bool:
    """The follow (one ``INSERT ... ON CONFLICT DO NOTHING``: a concurrent follow of the same
    pair is no error) and both counters; False when it existed already."""
    row = {
        "id": new_id(),
        "account_id": follower_id,
        "target_account_id": target_id,
        "show_reblogs": reblogs,
        "notify": notify_posts,
        "languages": languages,
        "created_at": now(),
    }
    if not await tx.insert_if_absent(Follow, row, unique=("account_id", "target_account_id")):
        return False
    await _bump(tx, follower_id, target_id, 1)
    return True


def _between(model: type[FollowRequest] | type[AccountPin], a: int, b: int) -> ColumnElement[bool]:
    """Rows of ``model`` linking ``a`` and ``b`` in either direction."""
    return or_(
        and_(model.account_id == a, model.target_account_id == b),
        and_(model.account_id == b, model.target_account_id == a),
    )


@functools.cache
def _unfollow_statement() -> Prebuilt:
    return Prebuilt(
        delete(Follow).where(Follow.account_id == _FOLLOWER, Follow.target_account_id == _TARGET)
    )


async def _drop_follow(
    tx: Tx, actor: Actor, follower_id: int, target_id: int, *, by_block: bool = False
) -> bool:
    """End a follow, announcing it; False when there was none."""
    params = {"porina_follower": follower_id, "porina_target": target_id}
    if not (await tx.run(_unfollow_statement(), params)).rowcount:
        return False
    await _bump(tx, follower_id, target_id, -1)
    event = Unfollowed(actor=actor, follower_id=follower_id, target_id=target_id, by_block=by_block)
    await emit(tx, event)
    return True


async def _update_edge(
    tx: Tx,
    me: int,
    target_id: int,
    *,
    reblogs: bool | None,
    notify_posts: bool | None,
    languages: list[str] | None,
) -> bool:
    """Following again (or asking again) updates the options; False when there is no edge.
    Without options nothing changes: no statement (the edge's existence is known)."""
    if reblogs is None and notify_posts is None and languages is None:
        return True
    existing = await tx.session.scalar(
        select(Follow).where(Follow.account_id == me, Follow.target_account_id == target_id)
    )
    edge = existing or await tx.session.scalar(
        select(FollowRequest).where(
            FollowRequest.account_id == me, FollowRequest.target_account_id == target_id
        )
    )
    if edge is None:
        return False
    if reblogs is not None:
        edge.show_reblogs = reblogs
    if notify_posts is not None:
        edge.notify = notify_posts
    if languages is not None:
        edge.languages = languages or None
    return True


async def follow(
    tx: Tx,
    actor: Actor,
    target_id: int | None,
    *,
    reblogs: bool | None = None,
    notify_posts: bool | None = None,
    languages: list[str] | None = None,
) -> Followee:
    """Follow, or ask to follow a locked account; repeating it updates the options."""
    target, (blocked, following, requested) = await _followee(tx, actor, target_id)
    me = actor.account_id
    if blocked:
        raise BlockedError("This action is not allowed")
    if (following or requested) and await _update_edge(
        tx, me, target.id, reblogs=reblogs, notify_posts=notify_posts, languages=languages
    ):
        return target
    options = {
        "reblogs": True if reblogs is None else reblogs,
        "notify_posts": bool(notify_posts),
        "languages": languages or None,
    }
    if target.locked:
        await _ask(tx, actor, target.id, options)
        return target
    if await _add_follow(
        tx,
        me,
        target.id,
        reblogs=bool(options["reblogs"]),
        notify_posts=bool(options["notify_posts"]),
        languages=languages or None,
    ):
        await emit(tx, Followed(actor=actor, follower_id=me, target_id=target.id))
    return target


async def _ask(tx: Tx, actor: Actor, target_id: int, options: dict[str, Any]) -> None:
    """A follow request to a locked account."""
    me = actor.account_id
    tx.session.add(
        FollowRequest(
            id=new_id(),
            account_id=me,
            target_account_id=target_id,
            show_reblogs=options["reblogs"],
            notify=options["notify_posts"],
            languages=options["languages"],
            created_at=now(),
        )
    )
    await tx.session.flush()
    await emit(tx, FollowRequested(actor=actor, follower_id=me, target_id=target_id))


@functools.cache
def _drop_request_statement() -> Prebuilt:
    return Prebuilt(
        delete(FollowRequest).where(
            FollowRequest.account_id == _FOLLOWER, FollowRequest.target_account_id == _TARGET
        )
    )


async def unfollow(tx: Tx, actor: Actor, target_id: int | None) -> Followee:
    """End a follow, and a follow request (there may be one from before); prebuilt
    statements only."""
    target, _ = await _followee(tx, actor, target_id)
    await _drop_follow(tx, actor, actor.account_id, target.id)
    params = {"porina_follower": actor.account_id, "porina_target": target.id}
    await tx.run(_drop_request_statement(), params)
    return target


async def remove_from_followers(tx: Tx, actor: Actor, follower_id: int | None) -> Account:
    follower = await _target(tx, actor, follower_id)
    await _drop_follow(tx, actor, follower.id, actor.account_id)
    return follower


async def end_follow(tx: Tx, actor: Actor, follower_id: int, target_id: int) -> bool:
    """End a follow of the actor's own account, either way, whoever the other side is:
    also an account the actor may no longer see (a suspended one), which ``unfollow`` and
    ``remove_from_followers`` answer 404 for. The counts drop and ``Unfollowed`` is
    announced as by them, so lists, feeds and counts forget the follow (the deletion of the
    actor's account, ``moderation.purge``). False when there was none."""
    if actor.account_id not in (follower_id, target_id):
        raise Forbidden("This action is not allowed")
    return await _drop_follow(tx, actor, follower_id, target_id)


async def _request(tx: Tx, actor: Actor, requester_id: int | None) -> tuple[Account, FollowRequest]:
    requester = await _target(tx, actor, requester_id)
    row = await tx.session.scalar(
        select(FollowRequest).where(
            FollowRequest.account_id == requester.id,
            FollowRequest.target_account_id == actor.account_id,
        )
    )
    if row is None:
        raise NotFound()
    return requester, row


async def authorize_request(tx: Tx, actor: Actor, requester_id: int | None) -> Account:
    requester, row = await _request(tx, actor, requester_id)
    await tx.session.delete(row)
    await tx.session.flush()
    await _add_follow(
        tx,
        requester.id,
        actor.account_id,
        reblogs=row.show_reblogs,
        notify_posts=row.notify,
        languages=row.languages,
    )
    event = FollowRequestAuthorized(
        actor=actor, follower_id=requester.id, target_id=actor.account_id
    )
    await emit(tx, event)
    return requester


async def admit(tx: Tx, actor: Actor, follower_id: int) -> None:
    """The actor's account takes ``follower_id`` as a follower it chose, with no request
    (a private group admitting a member it invited, ``groups``); its request, if any, goes.
    Announced as an authorised request."""
    await tx.session.execute(
        delete(FollowRequest).where(
            FollowRequest.account_id == follower_id,
            FollowRequest.target_account_id == actor.account_id,
        )
    )
    added = await _add_follow(
        tx, follower_id, actor.account_id, reblogs=True, notify_posts=False, languages=None
    )
    if added:
        event = FollowRequestAuthorized(
            actor=actor, follower_id=follower_id, target_id=actor.account_id
        )
        await emit(tx, event)


async def reject_request(tx: Tx, actor: Actor, requester_id: int | None) -> Account:
    requester, row = await _request(tx, actor, requester_id)
    await tx.session.delete(row)
    event = FollowRequestRejected(actor=actor, follower_id=requester.id, target_id=actor.account_id)
    await emit(tx, event)
    return requester


async def block(tx: Tx, actor: Actor, target_id: int | None) -> Account:
    """Block: also ends follows and requests both ways and endorsements."""
    target = await _target(tx, actor, target_id)
    me = actor.account_id
    exists = await tx.session.scalar(
        select(Block.id).where(Block.account_id == me, Block.target_account_id == target.id)
    )
    if exists is not None:
        return target
    tx.session.add(Block(id=new_id(), account_id=me, target_account_id=target.id, created_at=now()))
    await tx.session.flush()
    await _drop_follow(tx, actor, me, target.id, by_block=True)
    await _drop_follow(tx, actor, target.id, me, by_block=True)
    await tx.session.execute(delete(FollowRequest).where(_between(FollowRequest, me, target.id)))
    await tx.session.execute(delete(AccountPin).where(_between(AccountPin, me, target.id)))
    await emit(tx, Blocked(actor=actor, account_id=me, target_id=target.id))
    return target


async def unblock(tx: Tx, actor: Actor, target_id: int | None) -> Account:
    target = await _target(tx, actor, target_id)
    result = await tx.session.execute(
        delete(Block).where(
            Block.account_id == actor.account_id, Block.target_account_id == target.id
        )
    )
    if result.rowcount:  # type: ignore[attr-defined]
        await emit(tx, Unblocked(actor=actor, account_id=actor.account_id, target_id=target.id))
    return target


async def mute(
    tx: Tx, actor: Actor, target_id: int | None, *, notifications: bool = True, duration: int = 0
) -> Account:
    """Mute (``duration`` seconds, 0 = until unmuted); repeating it updates the options."""
    target = await _target(tx, actor, target_id)
    if duration < 0 or duration > 10 * 365 * 86400:
        raise InvalidAccountField("Validation failed: duration is out of range")
    expires = now() + timedelta(seconds=duration) if duration else None
    row = await tx.session.scalar(
        select(Mute).where(Mute.account_id == actor.account_id, Mute.target_account_id == target.id)
    )
    if row is None:
        tx.session.add(
            Mute(
                id=new_id(),
                account_id=actor.account_id,
                target_account_id=target.id,
                hide_notifications=notifications,
                expires_at=expires,
                created_at=now(),
            )
        )
        await tx.session.flush()
    else:
        row.hide_notifications, row.expires_at = notifications, expires
    muted = Muted(
        actor=actor,
        account_id=actor.account_id,
        target_id=target.id,
        notifications=notifications,
        duration=duration,
    )
    await emit(tx, muted)
    return target


async def unmute(tx: Tx, actor: Actor, target_id: int | None) -> Account:
    target = await _target(tx, actor, target_id)
    result = await tx.session.execute(
        delete(Mute).where(Mute.account_id == actor.account_id, Mute.target_account_id == target.id)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        await emit(tx, Unmuted(actor=actor, account_id=actor.account_id, target_id=target.id))
    return target


async def set_note(tx: Tx, actor: Actor, target_id: int | None, comment: str) -> Account:
    target = await _target(tx, actor, target_id)
    if len(comment) > MAX_NOTE:
        raise InvalidAccountField(
            f"Validation failed: Comment is too long (maximum is {MAX_NOTE} characters)"
        )
    row = await tx.session.get(AccountNote, (actor.account_id, target.id))
    if not comment:
        if row is not None:
            await tx.session.delete(row)
    elif row is None:
        tx.session.add(
            AccountNote(account_id=actor.account_id, target_account_id=target.id, comment=comment)
        )
    else:
        row.comment = comment
    return target


async def endorse(tx: Tx, actor: Actor, target_id: int | None) -> Account:
    target = await _target(tx, actor, target_id)
    following = await tx.session.scalar(
        select(Follow.id).where(
            Follow.account_id == actor.account_id, Follow.target_account_id == target.id
        )
    )
    if following is None:
        raise InvalidAccountField(
            "Validation failed: You must be already following the account you want to endorse"
        )
    if await tx.session.get(AccountPin, (actor.account_id, target.id)) is None:
        tx.session.add(
            AccountPin(account_id=actor.account_id, target_account_id=target.id, created_at=now())
        )
    return target


async def unendorse(tx: Tx, actor: Actor, target_id: int | None) -> Account:
    target = await _target(tx, actor, target_id)
    await tx.session.execute(
        delete(AccountPin).where(
            AccountPin.account_id == actor.account_id, AccountPin.target_account_id == target.id
        )
    )
    return target


def _clean_domain(domain: str) -> str:
    value = domain.strip().lower().removeprefix("https://").removeprefix("http://").strip("/")
    if not value or len(value) > 253 or any(c in value for c in " /@?#"):
        raise InvalidAccountField("Validation failed: Domain is not a valid domain")
    return value


async def block_domain(tx: Tx, actor: Actor, domain: str) -> None:
    """Hide a remote domain; follows of its accounts by the actor end (as in Mastodon)."""
    value = _clean_domain(domain)
    if value == tx.settings.local_domain.lower():
        raise InvalidAccountField("Validation failed: Domain cannot be your own")
    exists = await tx.session.scalar(
        select(DomainBlock.id).where(
            DomainBlock.account_id == actor.account_id, DomainBlock.domain == value
        )
    )
    if exists is not None:
        return
    tx.session.add(
        DomainBlock(id=new_id(), account_id=actor.account_id, domain=value, created_at=now())
    )
    followers = await tx.session.scalars(
        select(Follow.account_id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == actor.account_id, Account.domain == value)
    )
    for follower_id in list(followers):
        await _drop_follow(tx, actor, follower_id, actor.account_id, by_block=True)
    await tx.session.flush()


async def unblock_domain(tx: Tx, actor: Actor, domain: str) -> None:
    value = _clean_domain(domain)
    await tx.session.execute(
        delete(DomainBlock).where(
            DomainBlock.account_id == actor.account_id, DomainBlock.domain == value
        )
    )
