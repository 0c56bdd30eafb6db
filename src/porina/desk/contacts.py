"""Contacts (issue 16, point 7): a person's whole history with the brand, with the team's
own tags and notes.

A contact is anyone who has a conversation with the brand (``desk_conversations``): the
list searches them by name or ``acct`` and filters by tag; a contact's page gathers their
conversation, what they sent and what the brand sent them, the tags and the notes. Merging
two contacts is not offered (one account is one person).

Tags and notes are internal, like a conversation's notes: only the brand's staff who work
conversations read or write them (an analyst gets a 403, anyone else a 404), and no Mastodon
endpoint, page or stream reads ``desk_contact_tags`` or ``desk_contact_notes``.

Sections: other domains add to a contact's page what they know of the person (contest
entries, newsletter status) without the desk importing them — ``analytics``, ``desk`` and
``campaigns`` share a rank and never import each other. Such a domain writes an async
function of the ``Section`` shape; the composition root (``porina.services``) registers it
here with ``register_section(name, fn)``; the contact's page shows each section's answer
under ``sections[name]`` (a section answering None is left out). See docs/desk.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound
from porina.core.ids import new_id
from porina.desk import access
from porina.desk.access import Staff
from porina.desk.contacts_models import DeskContactNote, DeskContactTag
from porina.desk.errors import InvalidDeskRequest
from porina.desk.models import DeskConversation, DeskItem
from porina.desk.queries import Cursor
from porina.desk.team_events import DeskContactNoted, DeskContactTagged
from porina.jobs.events import emit
from porina.storage.db import Tx

MAX_TAGS = 20
MAX_NOTE = 5000
MESSAGES = ("mention", "reply", "direct", "quote")
_TAG = re.compile(r"^[\w][\w -]{0,39}$")


class ContactNotFound(NotFound):
    code = "desk_contact_not_found"


class ContactNoteNotFound(NotFound):
    code = "desk_contact_note_not_found"


class Section(Protocol):
    """What a domain contributes to a contact's page: JSON-ready data about ``contact_id``
    as the brand ``brand_id`` knows them, or None for nothing to show."""

    async def __call__(
        self, session: AsyncSession, brand_id: int, contact_id: int
    ) -> dict[str, Any] | None: ...


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, fn: Section) -> None:
    """Add a section to every contact's page (the composition root calls this)."""
    _SECTIONS[name] = fn


def registered_sections() -> dict[str, Section]:
    return dict(_SECTIONS)


@dataclass(frozen=True, slots=True)
class Listed:
    account: Account
    conversation: DeskConversation
    tags: list[str]


@dataclass(frozen=True, slots=True)
class Counts:
    messages: int = 0
    replies_sent: int = 0
    directs: int = 0


@dataclass(frozen=True, slots=True)
class Contact:
    account: Account
    conversation: DeskConversation
    tags: list[str]
    notes: list[DeskContactNote]
    first_seen_at: datetime
    last_seen_at: datetime
    counts: Counts
    sections: dict[str, Any] = field(default_factory=dict)


async def _conversation(session: AsyncSession, staff: Staff, contact_id: int) -> DeskConversation:
    found = await session.scalar(
        select(DeskConversation).where(
            DeskConversation.brand_account_id == staff.brand_id,
            DeskConversation.contact_account_id == contact_id,
        )
    )
    if found is None:
        raise ContactNotFound()
    return found


async def _tags(
    session: AsyncSession, brand_id: int, contact_ids: Sequence[int]
) -> dict[int, list[str]]:
    rows = await session.execute(
        select(DeskContactTag.contact_account_id, DeskContactTag.tag)
        .where(
            DeskContactTag.brand_account_id == brand_id,
            DeskContactTag.contact_account_id.in_(contact_ids),
        )
        .order_by(DeskContactTag.tag)
    )
    found: dict[int, list[str]] = {}
    for contact_id, tag in rows:
        found.setdefault(contact_id, []).append(tag)
    return found


def _search(q: str) -> Any:
    like = f"%{q.replace('%', '').replace('_', '').lower()}%"
    user, _, domain = q.lstrip("@").partition("@")
    by_acct = func.lower(Account.username) == user.lower()
    if domain:
        by_acct = by_acct & (func.lower(func.coalesce(Account.domain, "")) == domain.lower())
    return or_(
        func.lower(Account.username).like(like),
        func.lower(Account.display_name).like(like),
        by_acct,
    )


async def page(
    session: AsyncSession, actor: Actor, *, q: str | None, tag: str | None, cursor: Cursor
) -> list[Listed]:
    """People with a conversation with the brand, newest account id first (the cursor's ids
    are account ids), narrowed by a search (name, username or acct) and a tag."""
    staff = await access.worker(session, actor)
    query = (
        select(Account, DeskConversation)
        .join(DeskConversation, DeskConversation.contact_account_id == Account.id)
        .where(DeskConversation.brand_account_id == staff.brand_id)
    )
    if q:
        query = query.where(_search(q.strip()))
    if tag:
        tagged = select(DeskContactTag.contact_account_id).where(
            DeskContactTag.brand_account_id == staff.brand_id, DeskContactTag.tag == tag
        )
        query = query.where(Account.id.in_(tagged))
    if cursor.max_id is not None:
        query = query.where(Account.id < cursor.max_id)
    if cursor.since_id is not None:
        query = query.where(Account.id > cursor.since_id)
    if cursor.min_id is not None:
        query = query.where(Account.id > cursor.min_id).order_by(Account.id.asc())
    else:
        query = query.order_by(Account.id.desc())
    rows = list((await session.execute(query.limit(cursor.limit))).all())
    if cursor.min_id is not None:
        rows.reverse()
    tags = await _tags(session, staff.brand_id, [a.id for a, _ in rows])
    return [Listed(a, c, tags.get(a.id, [])) for a, c in rows]


async def _counts(session: AsyncSession, conversation_id: int) -> tuple[Counts, datetime | None]:
    rows = await session.execute(
        select(DeskItem.kind, func.count(), func.max(DeskItem.created_at))
        .where(DeskItem.conversation_id == conversation_id)
        .group_by(DeskItem.kind)
    )
    by_kind: dict[str, int] = {}
    last: datetime | None = None
    for kind, count, latest in rows:
        by_kind[kind] = int(count)
        if kind not in ("note", "sent", "outreach") and latest is not None:
            last = latest if last is None or latest > last else last
    counts = Counts(
        messages=sum(by_kind.get(k, 0) for k in MESSAGES),
        replies_sent=by_kind.get("sent", 0),
        directs=by_kind.get("direct", 0),
    )
    return counts, last


async def notes_of(session: AsyncSession, brand_id: int, contact_id: int) -> list[DeskContactNote]:
    rows = await session.scalars(
        select(DeskContactNote)
        .where(
            DeskContactNote.brand_account_id == brand_id,
            DeskContactNote.contact_account_id == contact_id,
        )
        .order_by(DeskContactNote.id)
    )
    return list(rows)


async def _sections(session: AsyncSession, brand_id: int, contact_id: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, fn in sorted(_SECTIONS.items()):
        value = await fn(session, brand_id, contact_id)
        if value is not None:
            found[name] = value
    return found


async def one(session: AsyncSession, actor: Actor, contact_id: int) -> Contact:
    """A contact's page (404 for a person without a conversation with the brand)."""
    staff = await access.worker(session, actor)
    conversation = await _conversation(session, staff, contact_id)
    account = await session.get(Account, contact_id)
    if account is None:
        raise ContactNotFound()
    counts, last = await _counts(session, conversation.id)
    tags = (await _tags(session, staff.brand_id, [contact_id])).get(contact_id, [])
    return Contact(
        account=account,
        conversation=conversation,
        tags=tags,
        notes=await notes_of(session, staff.brand_id, contact_id),
        first_seen_at=conversation.created_at,
        last_seen_at=last or conversation.last_activity_at,
        counts=counts,
        sections=await _sections(session, staff.brand_id, contact_id),
    )


def _clean_tags(raw: object) -> list[str]:
    if not isinstance(raw, list):
        raise InvalidDeskRequest("Validation failed: tags is a list")
    tags: set[str] = set()
    for value in raw:
        tag = str(value).strip().lower()
        if not _TAG.match(tag):
            raise InvalidDeskRequest(
                "Validation failed: a tag is 1-40 letters, digits, spaces, '-' or '_'"
            )
        tags.add(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidDeskRequest(f"Validation failed: at most {MAX_TAGS} tags")
    return sorted(tags)


async def set_tags(tx: Tx, actor: Actor, contact_id: int, raw: object) -> list[str]:
    """Replace the person's tags."""
    tags = _clean_tags(raw)
    staff = await access.worker(tx.session, actor)
    await _conversation(tx.session, staff, contact_id)
    await tx.session.execute(
        delete(DeskContactTag).where(
            DeskContactTag.brand_account_id == staff.brand_id,
            DeskContactTag.contact_account_id == contact_id,
        )
    )
    tx.session.add_all(
        DeskContactTag(brand_account_id=staff.brand_id, contact_account_id=contact_id, tag=t)
        for t in tags
    )
    event = DeskContactTagged(
        actor=actor,
        brand_account_id=staff.brand_id,
        target_account_id=contact_id,
        tags=tuple(tags),
    )
    await emit(tx, event)
    return tags


async def add_note(tx: Tx, actor: Actor, contact_id: int, text: str) -> DeskContactNote:
    """An internal note about the person."""
    if not text.strip() or len(text) > MAX_NOTE:
        raise InvalidDeskRequest(f"Validation failed: text is 1-{MAX_NOTE} characters")
    staff = await access.worker(tx.session, actor)
    await _conversation(tx.session, staff, contact_id)
    note = DeskContactNote(
        id=new_id(),
        brand_account_id=staff.brand_id,
        contact_account_id=contact_id,
        user_id=staff.user_id,
        text=text,
        created_at=now(),
    )
    tx.session.add(note)
    await tx.session.flush()
    await _noted(tx, actor, note, "added")
    return note


async def _noted(tx: Tx, actor: Actor, note: DeskContactNote, change: str) -> None:
    event = DeskContactNoted(
        actor=actor,
        brand_account_id=note.brand_account_id,
        target_account_id=note.contact_account_id,
        note_id=note.id,
        change=change,
    )
    await emit(tx, event)


async def remove_note(tx: Tx, actor: Actor, contact_id: int, note_id: int) -> None:
    staff = await access.worker(tx.session, actor)
    note = await tx.session.get(DeskContactNote, note_id)
    if (
        note is None
        or note.brand_account_id != staff.brand_id
        or note.contact_account_id != contact_id
    ):
        raise ContactNoteNotFound()
    await _noted(tx, actor, note, "deleted")
    await tx.session.delete(note)
