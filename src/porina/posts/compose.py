"""Publishing a status: ``create_status`` validates everything before writing anything, so a
refused post leaves no trace. Rendering data that only changes with an edit (HTML, media,
mentions, tags) is denormalised onto the status row; the normalised rows (mentions,
status_tags, media_attachments.status_id) are written alongside for lookups."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, delete, inspect, select, update
from sqlalchemy.orm import make_transient_to_detached

from porina.accounts import operators
from porina.accounts.models import Account, AccountOperator, Follow, User
from porina.accounts.queries import visibility_in
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.events import (
    DirectMessageSent,
    StatusCreated,
)
from porina.core.ids import new_id, parse_id
from porina.core.visibility import VISIBILITIES
from porina.jobs.events import emit
from porina.posts import polls, quote_policy
from porina.posts.access import get_visible, thread_of
from porina.posts.content import (
    check_language,
    check_text,
    format_text,
    load_media,
    media_json,
    mentions_json,
    sensitized,
    write_mentions,
    write_tags,
)
from porina.posts.counters import bump
from porina.posts.errors import (
    InvalidStatus,
    NotAllowed,
    StatusNotFound,
)
from porina.posts.html import has_link
from porina.posts.models import (
    IdempotencyKey,
    MediaAttachment,
    Status,
)
from porina.posts.polls import PollSpec
from porina.posts.visibility import PUBLIC
from porina.storage.db import Tx, with_defaults
from porina.storage.fastread import Prebuilt, as_datetime

IDEMPOTENCY_WINDOW = timedelta(hours=1)
QUOTE_POLICIES = ("public", "followers", "nobody")


@dataclass(frozen=True, slots=True)
class NewStatus:
    """What a client asks to post (``POST /api/v1/statuses`` without ``scheduled_at``)."""

    text: str = ""
    media_ids: list[int] = field(default_factory=list)
    poll: PollSpec | None = None
    in_reply_to_id: int | None = None
    sensitive: bool = False
    spoiler_text: str = ""
    visibility: str | None = None
    language: str | None = None
    quoted_status_id: int | None = None
    quote_policy: str | None = None
    idempotency_key: str | None = None
    group_id: int | None = None
    """The group this top-level post goes to (set by ``groups.actions.post``, which checks
    the author may post there). A reply takes its parent's group instead."""

    def as_params(self, visibility: str) -> dict[str, Any]:
        """Mastodon's ``ScheduledStatus.params`` shape."""
        return {
            "text": self.text,
            "visibility": visibility,
            "sensitive": self.sensitive,
            "spoiler_text": self.spoiler_text or None,
            "language": self.language,
            "in_reply_to_id": self.in_reply_to_id,
            "media_ids": [str(m) for m in self.media_ids] or None,
            "poll": self.poll.as_params() if self.poll else None,
            "quoted_status_id": str(self.quoted_status_id) if self.quoted_status_id else None,
            "quote_approval_policy": self.quote_policy
            or ("public" if visibility in PUBLIC else "nobody"),
            "idempotency": self.idempotency_key,
            "scheduled_at": None,
            "application_id": None,
            "with_rate_limit": False,
        }

    @classmethod
    def from_params(cls, data: dict[str, Any]) -> NewStatus:
        poll = data.get("poll")
        return cls(
            text=data.get("text") or "",
            media_ids=[m for m in (parse_id(x) for x in data.get("media_ids") or []) if m],
            poll=PollSpec.from_params(poll) if isinstance(poll, dict) else None,
            in_reply_to_id=parse_id(data.get("in_reply_to_id")),
            sensitive=bool(data.get("sensitive")),
            spoiler_text=data.get("spoiler_text") or "",
            visibility=data.get("visibility"),
            language=data.get("language"),
            quoted_status_id=parse_id(data.get("quoted_status_id")),
            quote_policy=data.get("quote_approval_policy"),
            idempotency_key=data.get("idempotency"),
        )


async def replied_to(tx: Tx, actor: Actor, status_id: int | None) -> Status | None:
    if status_id is None:
        return None
    parent = await get_visible(tx, actor.account_id, status_id)
    if parent.reblog_of_id is not None:
        raise StatusNotFound()
    return parent


async def quoted_status(tx: Tx, actor: Actor, status_id: int | None) -> Status | None:
    if status_id is None:
        return None
    quoted = await get_visible(tx, actor.account_id, status_id)
    if quoted.reblog_of_id is not None:
        raise StatusNotFound()
    if not await quote_policy.may_quote(tx.session, actor.account_id, quoted):
        raise NotAllowed("This status cannot be quoted")
    return quoted


_KEY = {
    "porina_account": bindparam("porina_account", type_=BigInteger),
    "porina_key": bindparam("porina_key", type_=String),
}


@functools.cache
def _key_statement() -> Prebuilt:
    return Prebuilt(
        select(IdempotencyKey.status_id, IdempotencyKey.created_at).where(
            IdempotencyKey.account_id == _KEY["porina_account"],
            IdempotencyKey.key == _KEY["porina_key"],
        )
    )


@functools.cache
def _key_expired_statement() -> Prebuilt:
    return Prebuilt(
        delete(IdempotencyKey).where(
            IdempotencyKey.account_id == _KEY["porina_account"],
            IdempotencyKey.key == _KEY["porina_key"],
        )
    )


async def _idempotent(tx: Tx, actor: Actor, key: str | None) -> Status | None:
    """The status ``key`` created within the hour (prebuilt statements: a client that sends
    an ``Idempotency-Key`` with every post pays no ORM step for it)."""
    if not key:
        return None
    params = {"porina_account": actor.account_id, "porina_key": key}
    row = (await tx.run(_key_statement(), params)).first()
    if row is None:
        return None
    if aware(as_datetime(row[1])) < now() - IDEMPOTENCY_WINDOW:
        await tx.run(_key_expired_statement(), params)
        return None
    return await tx.session.get(Status, int(row[0]))


async def check_new(
    tx: Tx, actor: Actor, new: NewStatus, facts: AuthorFacts | None = None
) -> tuple[str, list[MediaAttachment]]:
    """Validation shared by posting now and scheduling; returns visibility and media."""
    if new.poll is not None and new.media_ids:
        raise InvalidStatus("Validation failed: Cannot attach both media and a poll")
    if new.poll is not None:
        new.poll.check()
    media = await load_media(tx, actor.account_id, new.media_ids)
    check_text(tx, new.text, new.spoiler_text, has_media_or_poll=bool(media) or bool(new.poll))
    if new.visibility is not None and new.visibility not in VISIBILITIES:
        raise InvalidStatus("Validation failed: Visibility is not included in the list")
    if new.quote_policy is not None and new.quote_policy not in QUOTE_POLICIES:
        raise InvalidStatus("Validation failed: Quote approval policy is not included in the list")
    check_language(new.language)
    facts = facts or await author_facts(tx, actor)
    visibility = new.visibility or facts.visibility
    reply = new.in_reply_to_id is not None
    operators.refuse_post(facts.role, reply=reply, visibility=visibility)
    return visibility, media


async def create_status(tx: Tx, actor: Actor, new: NewStatus) -> Status:
    """Publish a status. With an ``idempotency_key`` seen within the hour, returns the
    status that key created instead of posting twice."""
    again = await _idempotent(tx, actor, new.idempotency_key)
    if again is not None:
        return again
    facts = await author_facts(tx, actor)
    visibility, media = await check_new(tx, actor, new, facts)
    parent = await replied_to(tx, actor, new.in_reply_to_id)
    if parent is not None and parent.group_id is not None:
        # A reply stays in its discussion's group and audience: a reply to a private group's
        # post is for the group's members, whatever the client asked.
        new = replace(new, group_id=parent.group_id)
        visibility = parent.visibility
    quoted = await quoted_status(tx, actor, new.quoted_status_id)
    formatted = await format_text(tx, new.text)
    new = replace(new, quote_policy=_quote_policy(facts, new, visibility))
    status = _row(actor, new, visibility, parent=parent, quoted=quoted, content=formatted.html)
    status.sensitive = status.sensitive or (bool(media) and await sensitized(tx, actor.account_id))
    status.media = [media_json(m) for m in media]
    status.mentions = mentions_json(formatted)
    status.tags = [n.lower() for n in formatted.tags]
    await _insert(tx, status)
    for m in media:
        m.status_id = status.id
    mentioned = await write_mentions(tx, status, formatted, fresh=True)
    if status.group_id is not None and status.visibility == "private":
        mentioned = await _members_among(tx, status.group_id, mentioned)
    await write_tags(tx, status, formatted.tags, fresh=True)
    if new.poll is not None:
        await polls.attach(tx, status, new.poll)
    if new.idempotency_key:
        key = {
            "account_id": actor.account_id,
            "key": new.idempotency_key,
            "status_id": status.id,
            "created_at": status.created_at,
        }
        await tx.insert(IdempotencyKey, key)
    await _counters_on_create(tx, status, parent, quoted)
    await tx.session.flush()
    groups = tuple(p.id for p in formatted.mentions if p.group)
    await _announce(tx, actor, status, mentioned, parent=parent, quoted=quoted, groups=groups)
    return status


async def _insert(tx: Tx, status: Status) -> None:
    """The new status's row by a prebuilt ``INSERT`` (``Tx.insert``: no ORM flush; on
    SQLite no hop to the driver's thread), its denormalised mentions and tags included;
    then the object joins the session as a persistent row, every column set (what the
    callers change on it later is flushed as an ``UPDATE``, as before)."""
    table: Any = Status.__table__
    given = {c.name: status.__dict__[c.key] for c in _COLUMNS if c.key in status.__dict__}
    values = with_defaults(table, given)
    await tx.insert(Status, values)
    for column in _COLUMNS:  # a column with no default left out of the INSERT is NULL
        if column.key not in status.__dict__:
            setattr(status, column.key, values.get(column.name))
    make_transient_to_detached(status)
    tx.session.add(status)


_COLUMNS = tuple(inspect(Status).columns)


async def _members_among(tx: Tx, group_id: int, mentioned: list[int]) -> list[int]:
    """The members (followers of the group's account) among those a private group's post
    mentions: only they hear of it (notifications, a brand's desk, other servers); the
    others may not see it (``posts.visibility``)."""
    if not mentioned:
        return []
    members = await tx.session.scalars(
        select(Follow.account_id).where(
            Follow.target_account_id == group_id, Follow.account_id.in_(mentioned)
        )
    )
    kept = set(members)
    return [m for m in mentioned if m in kept]


def _quote_policy(facts: AuthorFacts, new: NewStatus, visibility: str) -> str:
    """The asked policy, else the author's default (``source[quote_policy]``); ``nobody``
    for a post that is not public or unlisted."""
    if new.quote_policy is not None or visibility not in PUBLIC:
        return quote_policy.stored(new.quote_policy, "nobody", visibility)
    return facts.quote_policy


@dataclass(frozen=True, slots=True)
class AuthorFacts:
    """What a post needs to know of its author: the acting person's role on the account
    (``operators.acting_role``) and the account owner's settings (``User.settings``)."""

    role: operators.Role | None
    settings: dict[str, Any]

    @property
    def visibility(self) -> str:
        """The default visibility (``accounts.queries.default_visibility``)."""
        return visibility_in(self.settings)

    @property
    def quote_policy(self) -> str:
        """The default quote policy (``quote_policy.default_of``)."""
        return quote_policy.default_in(self.settings)


_ACCOUNT = bindparam("porina_account", type_=BigInteger)
_USER = bindparam("porina_user", type_=BigInteger)


def role_and_settings() -> tuple[Any, Any]:
    """The acting role and the owner's settings as scalar subqueries of ``porina_account``
    and ``porina_user`` (a boost's statement adds its own columns to them)."""
    role = (
        select(AccountOperator.role)
        .where(AccountOperator.account_id == _ACCOUNT, AccountOperator.user_id == _USER)
        .limit(1)
        .scalar_subquery()
    )
    settings = select(User.settings).where(User.account_id == _ACCOUNT).limit(1).scalar_subquery()
    return role, settings


@functools.cache
def _author_statement() -> Prebuilt:
    """The role and the settings in one prebuilt statement: a post asked them in three (the
    default visibility and the default quote policy through the ORM, then the role)."""
    return Prebuilt(select(*role_and_settings()))


def facts_of(role: Any, settings: Any) -> AuthorFacts:
    """``AuthorFacts`` from the driver's values (the settings: JSON text on SQLite, already
    decoded on PostgreSQL)."""
    prefs = json.loads(settings) if isinstance(settings, str | bytes) else settings
    return AuthorFacts(
        operators.role_named(None if role is None else str(role)),
        prefs if isinstance(prefs, dict) else {},
    )


async def author_facts(tx: Tx, actor: Actor) -> AuthorFacts:
    params = {"porina_account": actor.account_id, "porina_user": actor.user_id}
    role, settings = (await tx.run(_author_statement(), params)).one()
    return facts_of(role, settings)


def _row(
    actor: Actor,
    new: NewStatus,
    visibility: str,
    *,
    parent: Status | None,
    quoted: Status | None,
    content: str,
) -> Status:
    """The new status's row (media and the moderator's sensitive mark come after)."""
    status_id = new_id()
    return Status(
        id=status_id,
        account_id=actor.account_id,
        visibility=visibility,
        text=new.text,
        content=content,
        spoiler_text=new.spoiler_text,
        sensitive=new.sensitive or bool(new.spoiler_text.strip()),
        language=check_language(new.language),
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        thread_id=(parent.thread_id or parent.id) if parent else status_id,
        quote_of_id=quoted.id if quoted else None,
        quote_state="accepted" if quoted else None,
        quote_policy=new.quote_policy or ("public" if visibility in PUBLIC else "nobody"),
        application_id=actor.app_id,
        group_id=new.group_id,
        created_by_user_id=actor.user_id,
        created_at=now(),
        local=True,
        media=[],
        mentions=[],
        tags=[],
    )


async def _announce(
    tx: Tx,
    actor: Actor,
    status: Status,
    mentioned: list[int],
    *,
    parent: Status | None,
    quoted: Status | None,
    groups: tuple[int, ...] = (),
) -> None:
    """``StatusCreated``, and ``DirectMessageSent`` for a direct status."""
    await emit(tx, _created(actor, status, mentioned, parent, quoted, groups=groups))
    if status.visibility == "direct":
        event = DirectMessageSent(
            actor=actor,
            status_id=status.id,
            author_id=status.account_id,
            thread_id=thread_of(status),
            recipients=tuple(mentioned),
        )
        await emit(tx, event)


async def publish_received(
    tx: Tx,
    actor: Actor,
    status: Status,
    mentioned: list[int],
    parent: Status | None,
    *,
    quoted: Status | None = None,
) -> None:
    """A status received from another server, its row (with mentions and tags) written by
    federation: the counters and events a local post gets, so timelines, notifications,
    conversations and streams treat it as they treat a local one."""
    await _counters_on_create(tx, status, parent, quoted)
    await tx.session.flush()
    await _announce(tx, actor, status, mentioned, parent=parent, quoted=quoted)


def _created(
    actor: Actor,
    status: Status,
    mentioned: list[int],
    parent: Status | None,
    quoted: Status | None,
    *,
    groups: tuple[int, ...] = (),
) -> StatusCreated:
    return StatusCreated(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        visibility=status.visibility,
        thread_id=thread_of(status),
        mentioned=tuple(mentioned),
        parent_id=parent.id if parent else None,
        parent_author_id=parent.account_id if parent else None,
        quoted_id=quoted.id if quoted else None,
        quoted_author_id=quoted.account_id if quoted else None,
        links=has_link(status.text),
        tags=tuple(status.tags or ()),
        local=status.local,
        group_id=status.group_id,
        mentioned_groups=groups,
    )


@functools.cache
def _posted_statement() -> Prebuilt:
    """The author's ``statuses_count`` and ``last_status_at`` in one ``UPDATE``."""
    moment = bindparam("porina_moment", type_=Account.__table__.c.last_status_at.type)
    return Prebuilt(
        update(Account)
        .where(Account.id == bindparam("porina_account", type_=BigInteger))
        .values(statuses_count=Account.statuses_count + 1, last_status_at=moment)
    )


async def _counters_on_create(
    tx: Tx, status: Status, parent: Status | None, quoted: Status | None
) -> None:
    # As Mastodon: a direct status does not count, and only public/unlisted replies count,
    # or the counts would tell others that a DM or a private reply exists.
    if status.visibility != "direct":
        params = {"porina_account": status.account_id, "porina_moment": status.created_at}
        await tx.run(_posted_statement(), params)
    if parent is not None and status.visibility in ("public", "unlisted"):
        await bump(tx, Status, parent.id, "replies_count", 1)
    if quoted is not None:
        await bump(tx, Status, quoted.id, "quotes_count", 1)
