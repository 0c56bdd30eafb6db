"""Whether another server is concerned at all: asked in the action's transaction (the durable
subscribers' ``needed=``, ``jobs/events.py``), one read each, so that a local post, follow,
boost or block that no remote account is part of queues no federation job (issue 20,
point 4: a job row per post was written, claimed, run and deleted only to find nobody).

Each answer may say yes when the job then finds nothing (an account whose inbox is not
known, a domain suspended since): it is a cheap upper bound of ``outbound.audience`` and
the follow handlers, never a narrower rule. A read costs as much as the job's own look-up
would (the author's followers, through ``ix_follows_target_account_id``), one statement
instead of the job's row.
"""

from __future__ import annotations

import functools

from sqlalchemy import BigInteger, Exists, and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, Follow
from porina.core import events as ev
from porina.posts.models import Mention
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

_ACCOUNT = bindparam("porina_account", type_=BigInteger)
_OTHER = bindparam("porina_other", type_=BigInteger)
_STATUS = bindparam("porina_status", type_=BigInteger)


def _remote_follower() -> Exists:
    """A follower on another server: one look-up in ``ix_follows_remote_target``, which
    holds remote followers only (``follows.remote``, kept by the database: migration 0063),
    however many local followers there are."""
    return exists().where(Follow.target_account_id == _ACCOUNT, Follow.remote)


def _remote_mention() -> Exists:
    return exists().where(
        Mention.status_id == _STATUS,
        Account.id == Mention.account_id,
        Account.domain.is_not(None),
    )


@functools.cache
def followers_statement() -> Prebuilt:
    """Whether ``porina_account`` has a follower on another server."""
    return Prebuilt(select(_remote_follower()))


@functools.cache
def _post_statement() -> Prebuilt:
    """A post's: a remote follower of its author, or a remote account it mentions."""
    return Prebuilt(select(or_(_remote_follower(), _remote_mention())))


@functools.cache
def _mentions_statement() -> Prebuilt:
    """A direct post's: a remote account it mentions (its only recipients)."""
    return Prebuilt(select(_remote_mention()))


@functools.cache
def _pair_statement() -> Prebuilt:
    """Whether ``porina_account`` or ``porina_other`` is on another server."""
    either = Account.id.in_([_ACCOUNT, _OTHER])
    return Prebuilt(select(exists().where(either, Account.domain.is_not(None))))


@functools.cache
def _boost_statement() -> Prebuilt:
    """A boost's: a remote follower of the booster, or the boosted post's author remote."""
    author = exists().where(Account.id == _OTHER, Account.domain.is_not(None))
    return Prebuilt(select(or_(_remote_follower(), author)))


@functools.cache
def _group_statement() -> Prebuilt:
    """A group's: whether it is on another server with a known inbox, and whether it has a
    follower on another server (the follower's account is not the group's alias)."""
    group = aliased(Account, name="porina_group")
    remote = and_(group.domain.is_not(None), group.inbox_url.is_not(None))
    return Prebuilt(select(remote, _remote_follower()).where(group.id == _ACCOUNT))


async def group(tx: Tx, group_id: int) -> tuple[bool, bool]:
    """``(remote, remote_followers)`` of a group's account, in one read: a local member's
    reply in a remote group goes to the group's inbox; a group with members on another
    server announces its posts to them."""
    row = (await tx.run(_group_statement(), {"porina_account": group_id})).first()
    return (bool(row[0]), bool(row[1])) if row is not None else (False, False)


async def _yes(tx: Tx, statement: Prebuilt, **params: int) -> bool:
    row = (await tx.run(statement, {f"porina_{k}": v for k, v in params.items()})).first()
    return bool(row and row[0])


async def remote_followers(tx: Tx, account_id: int) -> bool:
    return await _yes(tx, followers_statement(), account=account_id)


async def post_reaches(tx: Tx, author_id: int, status_id: int, *, direct: bool = False) -> bool:
    """Whether a post (written with its mentions in this transaction) goes anywhere."""
    if direct:
        return await _yes(tx, _mentions_statement(), status=status_id)
    return await _yes(tx, _post_statement(), account=author_id, status=status_id)


async def either_remote(tx: Tx, one: int, other: int) -> bool:
    return await _yes(tx, _pair_statement(), account=one, other=other)


async def created(tx: Tx, event: ev.StatusCreated) -> bool:
    direct = event.visibility == "direct"
    return await post_reaches(tx, event.author_id, event.status_id, direct=direct)


async def edited(tx: Tx, event: ev.StatusEdited | ev.StatusDeleted) -> bool:
    """An edit or delete goes where the post went (its visibility unread: a direct post
    whose author has remote followers is asked once more, in the job)."""
    return await post_reaches(tx, event.author_id, event.status_id)


async def boosted(tx: Tx, event: ev.Reblogged | ev.Unreblogged) -> bool:
    params = {"account": event.reblogger_id, "other": event.status_author_id}
    return await _yes(tx, _boost_statement(), **params)


async def follow_edge(
    tx: Tx,
    event: ev.Followed
    | ev.FollowRequested
    | ev.FollowRequestAuthorized
    | ev.FollowRequestRejected
    | ev.Unfollowed,
) -> bool:
    """A follow between two accounts of this server sends nothing."""
    return await either_remote(tx, event.follower_id, event.target_id)


async def block_edge(tx: Tx, event: ev.Blocked | ev.Unblocked) -> bool:
    return await either_remote(tx, event.account_id, event.target_id)


async def profile(tx: Tx, event: ev.ProfileUpdated) -> bool:
    return await remote_followers(tx, event.account_id)


def own_post(event: ev.StatusDeleted) -> bool:
    """A delete of a post its author wrote (not a boost's undoing, not a cascade of an
    account's removal): the ones federation sends on."""
    return event.reblog_of_id is None and not event.cascade
