"""Anonymity's writers: posting under a pseudonym, deleting one's own anonymous post, a
brand's setting, and an admin's logged reveal.

A pseudonym is an account with no user, no app and no link to anyone in any table but
``anonymous_pseudonyms``. The status is written by ``posts.actions.create_status`` acting as
the pseudonym alone (``Actor(pseudonym)``: no ``user_id``, no ``app_id``), so the row, its
``StatusCreated`` and everything that follows from them (timelines, notifications, the desk,
analytics, search, federation) name the pseudonym and nothing else.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from porina.accounts import operators
from porina.accounts.models import Account, AccountOperator, Block, User
from porina.anonymity import blocking, queries
from porina.anonymity.errors import (
    AnonymityOff,
    AnonymousAsOperator,
    AnonymousRateLimited,
    AnonymousStatusNotFound,
    BrandNotFound,
    InvalidAnonymityPolicy,
    InvalidAnonymousTarget,
    InvalidRevealReason,
    PendingNotFound,
    RevealForbidden,
)
from porina.anonymity.events import (
    AnonymityPolicyChanged,
    AnonymousApproved,
    AnonymousAuthorRevealed,
    AnonymousHeld,
    AnonymousPosted,
    AnonymousRejected,
)
from porina.anonymity.models import (
    AnonymityPolicy,
    AnonymousBlock,
    AnonymousPending,
    AnonymousReveal,
    Pseudonym,
)
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.groups import actions as group_actions
from porina.groups import queries as group_queries
from porina.groups.errors import Banned, NotMember
from porina.groups.models import Group
from porina.groups.queries import Seen
from porina.jobs.events import emit
from porina.posts.actions import NewStatus, create_status, delete_status, get_visible, thread_of
from porina.posts.errors import StatusNotFound
from porina.posts.models import Mention, Status
from porina.posts.visibility import PUBLIC
from porina.storage.db import Tx

MAX_PER_HOUR = 20
"""Anonymous posts one person may make in an hour, all their pseudonyms together."""
MODES = ("open", "moderated", "off")
MAX_REASON = 1000
ADJECTIVES = ("Quiet", "Curious", "Gentle", "Brave", "Sleepy", "Sunny", "Clever", "Calm", "Merry")
ANIMALS = ("Otter", "Fox", "Owl", "Hare", "Lynx", "Seal", "Moose", "Badger", "Heron", "Swan")
ONE_TARGET = N_("Validation failed: give exactly one of in_reply_to_id, brand_id or group_id")
NOT_PUBLIC = N_(
    "Validation failed: only public and unlisted posts, and posts in groups, can be answered"
    " anonymously"
)
OFF = N_("Anonymous posts are turned off here")
AS_OPERATOR = N_("Post anonymously as yourself, not as an account you operate")
TOO_MANY = N_("Too many anonymous posts: try again later")
ADMINS_ONLY = N_("Only instance admins can reveal who wrote an anonymous post")


@dataclass(frozen=True, slots=True)
class AnonymousPost:
    """``POST /api/porina/v1/anonymous/statuses``: the text and exactly one target."""

    text: str
    in_reply_to_id: int | None = None
    brand_id: int | None = None
    group_id: int | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None


async def post(
    tx: Tx, actor: Actor, new: AnonymousPost, *, approved: int | None = None
) -> Status | AnonymousPending:
    """Post ``new`` under the author's pseudonym for its thread (a new one for a question),
    or hold it in a group's or a brand's queue when its setting is ``moderated``
    (``approved``: the queue that approved it, the group's first, then a brand's)."""
    targets = [new.in_reply_to_id, new.brand_id, new.group_id]
    if sum(t is not None for t in targets) != 1:
        raise InvalidAnonymousTarget(ONE_TARGET)
    if actor.operated:
        raise AnonymousAsOperator(AS_OPERATOR)
    if new.group_id is not None:
        return await _in_group(tx, actor, new, new.group_id, approved=approved)
    if new.brand_id is not None:
        return await _question(tx, actor, new, new.brand_id, approved=approved)
    assert new.in_reply_to_id is not None
    return await _reply(tx, actor, new, new.in_reply_to_id, approved=approved)


async def _reply(
    tx: Tx, actor: Actor, new: AnonymousPost, parent_id: int, *, approved: int | None
) -> Status | AnonymousPending:
    parent = await get_visible(tx, actor.account_id, parent_id)
    if parent.reblog_of_id is not None or not _answerable(parent):
        raise InvalidAnonymousTarget(NOT_PUBLIC)
    thread = thread_of(parent)
    owners = await _owners(tx, parent, thread)
    queues = []
    if parent.group_id is not None:
        _, mode = await _group_open(tx, actor, parent.group_id)
        owners.discard(parent.group_id)  # the group's own setting is ``mode``
        queues = [parent.group_id] if mode == "moderated" else []
    if await _blocked(tx, actor.account_id, owners):
        raise StatusNotFound()  # as a blocked reader is answered: no way round a block
    brand_queue = await _check_open(tx, await _in_audience(tx, parent, owners))
    await _check_rate(tx, actor.account_id)
    queue = _next_queue([*queues, *([brand_queue] if brand_queue else [])], approved)
    if queue is not None:
        return await _hold(tx, actor, new, queue)
    pseudonym = await tx.session.scalar(
        select(Pseudonym.account_id).where(
            Pseudonym.author_account_id == actor.account_id, Pseudonym.thread_id == thread
        )
    )
    fresh = pseudonym is None
    as_pseudonym = Actor(pseudonym if pseudonym is not None else await _new_pseudonym(tx))
    if parent.group_id is not None:  # it joins, as the group asks of everyone who replies
        await group_actions.admit_alias(tx, actor, parent.group_id, as_pseudonym.account_id)
    wanted = _new_status(new, new.text, parent.visibility, parent)
    status = await create_status(tx, as_pseudonym, wanted)
    if fresh:
        _link(tx, as_pseudonym.account_id, actor.account_id, thread)
        await tx.session.flush()
        await blocking.spread_to(tx, actor.account_id, as_pseudonym.account_id)
    await _posted(tx, actor, status, as_pseudonym.account_id)
    return status


async def _question(
    tx: Tx, actor: Actor, new: AnonymousPost, brand_id: int, *, approved: int | None
) -> Status | AnonymousPending:
    """A new public thread to the brand (its text mentions the brand, so the brand's desk
    files it like any other mention), under a pseudonym of its own."""
    brand = await tx.session.get(Account, brand_id)
    if brand is None or brand.suspended_at is not None or not await _is_brand(tx, brand_id):
        raise BrandNotFound()
    if await _blocked(tx, actor.account_id, {brand_id}):
        raise BrandNotFound()
    queue = _next_queue([q for q in [await _check_open(tx, {brand_id})] if q], approved)
    await _check_rate(tx, actor.account_id)
    if queue is not None:
        return await _hold(tx, actor, new, queue)
    pseudonym = await _new_pseudonym(tx)
    text = new.text
    if not re.search(rf"(?<![\w@])@{re.escape(brand.username)}\b", text, re.IGNORECASE):
        text = f"@{brand.username} {text}"
    status = await create_status(tx, Actor(pseudonym), _new_status(new, text, "public", None))
    _link(tx, pseudonym, actor.account_id, status.id)
    await tx.session.flush()
    await blocking.spread_to(tx, actor.account_id, pseudonym)
    await _posted(tx, actor, status, pseudonym)
    return status


def _next_queue(queues: list[int], approved: int | None) -> int | None:
    """The queue that holds a post next: the first of ``queues`` (the group's, then a
    brand's) after the one that approved it; None: it is published."""
    if approved in queues:
        queues = queues[queues.index(approved) + 1 :]
    return next((q for q in queues if q != approved), None)


async def _group_open(tx: Tx, actor: Actor, group_id: int) -> tuple[Seen, str]:
    """The group takes anonymous posts (its setting is not ``off``) and the author is a
    member: the group and its setting (``open`` or ``moderated``)."""
    seen = await group_queries.seen(tx.session, group_id, actor.account_id)
    if seen.relation.banned:
        raise Banned()
    if not seen.relation.member:
        raise NotMember()
    mode = await queries.group_mode(tx.session, seen.group)
    if mode == "off":
        raise AnonymityOff(OFF)
    return seen, mode


async def _in_group(
    tx: Tx, actor: Actor, new: AnonymousPost, group_id: int, *, approved: int | None
) -> Status | AnonymousPending:
    """A new discussion in a group the author belongs to, under a pseudonym of its own; it
    has the group's audience (public, or the members of a private or hidden group). Held in
    the group's queue when its setting is ``moderated``."""
    seen, mode = await _group_open(tx, actor, group_id)
    await _check_rate(tx, actor.account_id)
    if mode == "moderated" and approved != seen.group.id:
        return await _hold(tx, actor, new, seen.group.id)
    pseudonym = await _new_pseudonym(tx)
    visibility = "public" if seen.group.privacy == "public" else "private"
    wanted = replace(_new_status(new, new.text, visibility, None), group_id=seen.group.id)
    status = await create_status(tx, Actor(pseudonym), wanted)
    await group_actions.start_thread(tx, Actor(pseudonym), seen.group.id, status)
    _link(tx, pseudonym, actor.account_id, status.id)
    await tx.session.flush()
    await blocking.spread_to(tx, actor.account_id, pseudonym)
    await _posted(tx, actor, status, pseudonym)
    return status


def _answerable(parent: Status) -> bool:
    """A public or unlisted post, or a post in a group (a private or hidden group's are for
    its members: the anonymous answer is too, and only a member may give one)."""
    if parent.visibility in PUBLIC:
        return True
    return parent.visibility == "private" and parent.group_id is not None


async def _in_audience(tx: Tx, parent: Status, owners: set[int]) -> set[int]:
    """The owners whose setting applies to a reply to ``parent``: all of them, but in a
    private or hidden group only its members (the reply is for them alone, and a held
    reply's text is shown to the queue's staff)."""
    if parent.group_id is None or parent.visibility in PUBLIC:
        return owners
    kept = set()
    for owner in owners:
        if (await group_queries.relation(tx.session, parent.group_id, owner)).member:
            kept.add(owner)
    return kept


async def set_group_policy(tx: Tx, actor: Actor, group_id: int, mode: str | bool) -> Group:
    """A group's owners and moderators choose whether it takes anonymous posts: ``open``,
    ``moderated`` (each one waits in the group's queue) or ``off`` (True and False, the
    older on/off, are ``open`` and ``off``). ``allow_anonymous`` follows (true unless off)."""
    if isinstance(mode, bool):
        mode = "open" if mode else "off"
    if mode not in MODES:
        raise InvalidAnonymityPolicy("Validation failed: Policy is not included in the list")
    seen = await group_queries.moderating(tx.session, group_id, actor.account_id)
    seen.group.allow_anonymous = mode != "off"
    row = await tx.session.get(AnonymityPolicy, seen.account.id)
    if row is None:
        row = AnonymityPolicy(account_id=seen.account.id, mode=mode, updated_at=now())
        tx.session.add(row)
    row.mode = mode
    row.updated_at = now()
    await tx.session.flush()
    await emit(tx, AnonymityPolicyChanged(actor=actor, account_id=seen.account.id, mode=mode))
    return seen.group


def _new_status(new: AnonymousPost, text: str, visibility: str, parent: Status | None) -> NewStatus:
    return NewStatus(
        text=text,
        in_reply_to_id=parent.id if parent is not None else None,
        visibility=visibility,
        spoiler_text=new.spoiler_text,
        sensitive=new.sensitive,
        language=new.language,
        quote_policy="nobody",
    )


def _link(tx: Tx, pseudonym: int, author: int, thread: int) -> None:
    row = Pseudonym(
        account_id=pseudonym, author_account_id=author, thread_id=thread, created_at=now()
    )
    tx.session.add(row)


async def _posted(tx: Tx, actor: Actor, status: Status, pseudonym: int) -> None:
    await tx.session.flush()
    event = AnonymousPosted(
        actor=actor, status_id=status.id, pseudonym_id=pseudonym, thread_id=thread_of(status)
    )
    await emit(tx, event)


async def _new_pseudonym(tx: Tx) -> int:
    """A new pseudonym's account: a random username, "Anonymous <adjective animal>", the
    generated avatar; not discoverable, not indexable, no user, no keys of anyone's."""
    name = f"Anonymous {secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"
    account = Account(
        id=new_id(),
        username=f"anon_{secrets.token_hex(6)}",
        display_name=name,
        pseudonym=True,
        discoverable=False,
        indexable=False,
        hide_collections=True,
        created_at=now(),
    )
    tx.session.add(account)
    await tx.session.flush()
    return account.id


async def _owners(tx: Tx, parent: Status, thread: int) -> set[int]:
    """Whose setting applies to a reply: the parent's and the thread root's authors, and the
    accounts the root mentions (a question to a brand mentions the brand)."""
    owners = {parent.account_id}
    root = parent if parent.id == thread else await tx.session.get(Status, thread)
    if root is not None:
        owners.add(root.account_id)
        mentioned = await tx.session.scalars(
            select(Mention.account_id).where(Mention.status_id == root.id)
        )
        owners.update(mentioned)
    return owners


async def _check_open(tx: Tx, owners: set[int]) -> int | None:
    """Refused where an owner has anonymity off; else the owner whose queue holds it (its
    setting is ``moderated``), or None: published at once."""
    rows = await tx.session.execute(
        select(AnonymityPolicy.account_id, AnonymityPolicy.mode).where(
            AnonymityPolicy.account_id.in_(owners), AnonymityPolicy.mode != "open"
        )
    )
    modes = {account: mode for account, mode in rows.all()}
    if "off" in modes.values():
        raise AnonymityOff(OFF)
    return min(modes) if modes else None


async def _hold(tx: Tx, actor: Actor, new: AnonymousPost, queue: int) -> AnonymousPending:
    row = AnonymousPending(
        id=new_id(),
        author_account_id=actor.account_id,
        queue_account_id=queue,
        in_reply_to_id=new.in_reply_to_id,
        brand_id=new.brand_id,
        group_id=new.group_id,
        text=new.text,
        spoiler_text=new.spoiler_text,
        language=new.language,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    await emit(tx, AnonymousHeld(actor=actor, pending_id=row.id, queue_id=queue))
    return row


async def _check_rate(tx: Tx, author_id: int) -> None:
    since = now() - timedelta(hours=1)
    count = await tx.session.scalar(
        select(func.count())
        .select_from(Status)
        .join(Pseudonym, Pseudonym.account_id == Status.account_id)
        .where(Pseudonym.author_account_id == author_id, Status.created_at >= since)
    )
    if (count or 0) >= MAX_PER_HOUR:
        raise AnonymousRateLimited(TOO_MANY)


async def _is_brand(tx: Tx, account_id: int) -> bool:
    """A brand is an account with a team (as the desk says, ``desk.inbox.is_brand``)."""
    found = await tx.session.scalar(
        select(AccountOperator.account_id).where(AccountOperator.account_id == account_id).limit(1)
    )
    return found is not None


async def _blocked(tx: Tx, a: int, others: set[int]) -> bool:
    """Whether ``a`` blocks, or is blocked by, any of ``others``, or one of ``others``
    blocked a pseudonym of ``a``'s."""
    hidden = await tx.session.scalar(
        select(AnonymousBlock.account_id)
        .where(AnonymousBlock.author_account_id == a, AnonymousBlock.account_id.in_(others))
        .limit(1)
    )
    if hidden is not None:
        return True
    found = await tx.session.scalar(
        select(Block.account_id)
        .where(
            or_(
                and_(Block.account_id == a, Block.target_account_id.in_(others)),
                and_(Block.account_id.in_(others), Block.target_account_id == a),
            )
        )
        .limit(1)
    )
    return found is not None


async def delete_own(tx: Tx, actor: Actor, status_id: int) -> Status:
    """The author deletes one of their anonymous posts (as its pseudonym). Anyone else: 404."""
    status = await tx.session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        raise AnonymousStatusNotFound()
    link = await tx.session.get(Pseudonym, status.account_id)
    if link is None or link.author_account_id != actor.account_id or actor.operated:
        raise AnonymousStatusNotFound()
    return await delete_status(tx, Actor(status.account_id), status_id)


async def set_policy(tx: Tx, actor: Actor, mode: str) -> AnonymityPolicy:
    """The acting account's setting for anonymous posts in its threads and questions to it
    (a brand's owner or manager; an agent or analyst may not)."""
    if mode not in MODES:
        raise InvalidAnonymityPolicy("Validation failed: Mode is not included in the list")
    await operators.refuse_limited(tx, actor, "change anonymity settings")
    row = await tx.session.get(AnonymityPolicy, actor.account_id)
    if row is None:
        row = AnonymityPolicy(account_id=actor.account_id, mode=mode, updated_at=now())
        tx.session.add(row)
    row.mode = mode
    row.updated_at = now()
    await tx.session.flush()
    await emit(tx, AnonymityPolicyChanged(actor=actor, account_id=actor.account_id, mode=mode))
    return row


async def reveal(tx: Tx, actor: Actor, status_id: int, reason: str) -> AnonymousReveal:
    """An instance admin (role ``admin``, acting as themself) learns who wrote ``status_id``,
    deleted or not; the reveal is logged with who, when and why. Anyone else: 403, and
    nothing is written."""
    role = None
    if actor.user_id is not None and not actor.operated:
        role = await tx.session.scalar(select(User.role).where(User.id == actor.user_id))
    if role != "admin":
        raise RevealForbidden(ADMINS_ONLY)
    reason = reason.strip()
    if not reason:
        raise InvalidRevealReason("Validation failed: Reason can't be blank")
    if len(reason) > MAX_REASON:
        raise InvalidRevealReason(
            f"Validation failed: Reason is too long (maximum is {MAX_REASON})"
        )
    status = await tx.session.get(Status, status_id)
    link = await tx.session.get(Pseudonym, status.account_id) if status is not None else None
    if link is None:
        raise AnonymousStatusNotFound()
    row = AnonymousReveal(
        id=new_id(),
        status_id=status_id,
        pseudonym_account_id=link.account_id,
        author_account_id=link.author_account_id,
        admin_account_id=actor.account_id,
        reason=reason,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    await emit(tx, AnonymousAuthorRevealed(actor=actor, status_id=status_id, reveal_id=row.id))
    return row


async def _queued(tx: Tx, actor: Actor, pending_id: int) -> AnonymousPending:
    """A post in the queue of the account ``actor`` acts as (its owners and managers), or
    of a group ``actor`` moderates (anyone else in the group: 403; a hidden group's
    outsider, and anyone for another account's queue: 404)."""
    row = await tx.session.get(AnonymousPending, pending_id)
    if row is None:
        raise PendingNotFound()
    if await tx.session.get(Group, row.queue_account_id) is not None:
        await group_queries.moderating(tx.session, row.queue_account_id, actor.account_id)
        return row
    if row.queue_account_id != actor.account_id:
        raise PendingNotFound()
    await operators.refuse_limited(tx, actor, "moderate anonymous posts")
    return row


async def approve(tx: Tx, actor: Actor, pending_id: int) -> Status | AnonymousPending:
    """Publish a held post under its author's pseudonym, as if posted now (the author's
    checks again: a membership since ended, a thread since locked or a block since made
    still refuse it); or, approved by a group while a brand's queue wants it too, hold it
    there."""
    row = await _queued(tx, actor, pending_id)
    new = AnonymousPost(
        text=row.text,
        in_reply_to_id=row.in_reply_to_id,
        brand_id=row.brand_id,
        group_id=row.group_id,
        spoiler_text=row.spoiler_text,
        sensitive=bool(row.spoiler_text.strip()),
        language=row.language,
    )
    queue, author = row.queue_account_id, row.author_account_id
    await tx.session.delete(row)
    await tx.session.flush()
    made = await post(tx, Actor(author), new, approved=queue)
    status_id = made.id if isinstance(made, Status) else None
    event = AnonymousApproved(
        actor=actor, pending_id=pending_id, queue_id=queue, status_id=status_id
    )
    await emit(tx, event)
    return made


async def reject(tx: Tx, actor: Actor, pending_id: int) -> None:
    """Drop a held post: it is never published."""
    row = await _queued(tx, actor, pending_id)
    queue = row.queue_account_id
    await tx.session.delete(row)
    await tx.session.flush()
    await emit(tx, AnonymousRejected(actor=actor, pending_id=pending_id, queue_id=queue))
