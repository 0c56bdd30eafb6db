"""Editing and deleting an own status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from porina.accounts import operators
from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import (
    StatusDeleted,
    StatusEdited,
)
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.posts import polls
from porina.posts.access import get_own, thread_of
from porina.posts.content import (
    check_language,
    check_text,
    format_text,
    load_media,
    media_json,
    sensitized,
    write_mentions,
    write_tags,
)
from porina.posts.counters import bump
from porina.posts.errors import (
    InvalidStatus,
    StatusNotFound,
)
from porina.posts.models import (
    MediaAttachment,
    Poll,
    Status,
    StatusEdit,
    StatusPin,
)
from porina.posts.polls import PollSpec
from porina.storage.db import Tx


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An edit (``PUT /api/v1/statuses/:id``): the status's new full state."""

    text: str = ""
    spoiler_text: str = ""
    sensitive: bool = False
    media_ids: list[int] = field(default_factory=list)
    poll: PollSpec | None = None
    language: str | None = None
    media_descriptions: dict[int, str] = field(default_factory=dict)


def _snapshot(status: Status, poll_options: list[str] | None, at: datetime) -> StatusEdit:
    return StatusEdit(
        id=new_id(),
        status_id=status.id,
        account_id=status.account_id,
        content=status.content,
        spoiler_text=status.spoiler_text,
        sensitive=status.sensitive,
        media=list(status.media or []),
        poll_options=poll_options,
        emojis=list(status.emojis or []),
        created_at=at,
    )


async def _poll_options(tx: Tx, status: Status) -> list[str] | None:
    poll = await tx.session.scalar(select(Poll).where(Poll.status_id == status.id))
    return list(poll.options) if poll is not None else None


async def edit_status(tx: Tx, actor: Actor, status_id: int, change: StatusChange) -> Status:
    """Edit an own status; the first edit also records the original version, as Mastodon
    does, so the history lists every version."""
    status = await get_own(tx, actor, status_id)
    if status.reblog_of_id is not None:
        raise StatusNotFound()
    await operators.check_edit(tx, actor, status.created_by_user_id)
    if change.poll is not None and change.media_ids:
        raise InvalidStatus("Validation failed: Cannot attach both media and a poll")
    if change.poll is not None:
        change.poll.check()
    media = await load_media(tx, actor.account_id, change.media_ids, status.id)
    has_extra = bool(media) or change.poll is not None
    check_text(tx, change.text, change.spoiler_text, has_media_or_poll=has_extra)
    language = check_language(change.language)
    moment = now()
    if status.edited_at is None:
        tx.session.add(_snapshot(status, await _poll_options(tx, status), status.created_at))
    for m in media:
        if m.id in change.media_descriptions:
            m.description = change.media_descriptions[m.id]
    await _swap_media(tx, status, media)
    await polls.replace(tx, status, change.poll)
    formatted = await format_text(tx, change.text)
    status.text = change.text
    status.content = formatted.html
    status.spoiler_text = change.spoiler_text
    status.sensitive = change.sensitive or (bool(media) and await sensitized(tx, actor.account_id))
    if language is not None:
        status.language = language
    status.edited_at = moment
    mentioned = await write_mentions(tx, status, formatted)
    await write_tags(tx, status, formatted.tags)
    tx.session.add(_snapshot(status, change.poll.options if change.poll else None, moment))
    await tx.session.flush()
    edited = StatusEdited(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        thread_id=thread_of(status),
        edited_at=moment.isoformat(),
        mentioned=tuple(mentioned),
    )
    await emit(tx, edited)
    return status


async def _swap_media(tx: Tx, status: Status, media: list[MediaAttachment]) -> None:
    keep = [m.id for m in media]
    detach = update(MediaAttachment).where(MediaAttachment.status_id == status.id)
    if keep:
        detach = detach.where(MediaAttachment.id.not_in(keep))
    await tx.session.execute(
        detach.values(status_id=None).execution_options(synchronize_session=False)
    )
    for m in media:
        m.status_id = status.id
    status.media = [media_json(m) for m in media]


async def delete_status(tx: Tx, actor: Actor, status_id: int) -> Status:
    """Soft-delete an own status (and the reblogs of it). The returned row keeps ``text``
    so a client can redraft; its media are detached so the redraft can reuse them."""
    status = await get_own(tx, actor, status_id)
    await operators.refuse_limited(tx, actor, "delete posts")
    await remove_status(tx, actor, status)
    return status


async def remove_status(tx: Tx, actor: Actor, status: Status) -> None:
    """Soft-delete ``status`` and its reblogs for whoever the caller has authorised: its
    author (``delete_status``) or a group's moderator (``groups.actions.remove_post``)."""
    await _discard(tx, actor, status)
    reblogs = list(
        await tx.session.scalars(
            select(Status).where(Status.reblog_of_id == status.id, Status.deleted_at.is_(None))
        )
    )
    for reblog in reblogs:
        await _discard(tx, actor, reblog, cascade=True)
    await tx.session.execute(
        update(MediaAttachment)
        .where(MediaAttachment.status_id == status.id)
        .values(status_id=None)
        .execution_options(synchronize_session=False)
    )


async def _discard(tx: Tx, actor: Actor, status: Status, *, cascade: bool = False) -> None:
    status.deleted_at = now()
    if status.visibility != "direct":  # counted as in _counters_on_create
        await bump(tx, Account, status.account_id, "statuses_count", -1)
    if status.in_reply_to_id is not None and status.visibility in ("public", "unlisted"):
        await bump(tx, Status, status.in_reply_to_id, "replies_count", -1)
    if status.reblog_of_id is not None:
        await bump(tx, Status, status.reblog_of_id, "reblogs_count", -1)
    if status.quote_of_id is not None and status.quote_state != "revoked":  # as revoke
        await bump(tx, Status, status.quote_of_id, "quotes_count", -1)
    await tx.session.execute(delete(StatusPin).where(StatusPin.status_id == status.id))
    await tx.session.flush()
    deleted = StatusDeleted(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        reblog_of_id=status.reblog_of_id,
        cascade=cascade,
    )
    await emit(tx, deleted)


@dataclass(frozen=True, slots=True)
class ReceivedEdit:
    """A remote status's new state, as its server sent it (HTML already sanitized)."""

    content: str
    spoiler_text: str
    sensitive: bool
    language: str | None
    media: list[dict[str, Any]]


async def edit_received(tx: Tx, actor: Actor, status: Status, change: ReceivedEdit) -> None:
    """Apply an edit that a remote author made on their server: the same history rows (the
    original first) and the same ``StatusEdited`` as a local edit."""
    if status.account_id != actor.account_id or status.local:
        raise StatusNotFound()
    moment = now()
    if status.edited_at is None:
        tx.session.add(_snapshot(status, await _poll_options(tx, status), status.created_at))
    status.content = change.content
    status.spoiler_text = change.spoiler_text
    status.sensitive = change.sensitive
    status.language = change.language or status.language
    status.media = change.media
    status.edited_at = moment
    tx.session.add(_snapshot(status, None, moment))
    await tx.session.flush()
    edited = StatusEdited(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        thread_id=thread_of(status),
        edited_at=moment.isoformat(),
        mentioned=(),
    )
    await emit(tx, edited)
