"""Saved replies (issue 16, point 3; Chatwoot's canned responses): a brand's reusable replies,
found by a ``shortcut`` and written per language (English and Finnish), with variables filled
for the conversation they answer:

- ``{{first_name}}``: the person's first name (the first word of their display name, else
  their username); ``{{name}}``: their display name (else username); ``{{username}}``;
- ``{{brand}}``: the brand's display name (else username);
- ``{{agent}}``: the first name of the staff member replying.

A body naming any other variable is refused when saved, so a customer never receives
``{{frist_name}}``. Owners and managers (and the old names admin, editor) write them;
everyone who works conversations reads and uses them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Conflict, NotFound
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.desk import access
from porina.desk.errors import InvalidDeskRequest
from porina.desk.events import DeskSavedReplyChanged
from porina.desk.models import DeskConversation, DeskSavedReply
from porina.jobs.events import emit
from porina.storage.db import Tx

VARIABLES = ("first_name", "name", "username", "brand", "agent")
LANGUAGES = ("en", "fi")
MANAGERS = access.MANAGERS
MAX_BODY = 5000
MAX_PER_BRAND = 500
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_SHORTCUT = re.compile(r"^[\w-]{1,40}$")
NOT_MANAGER = "Only the brand's owners and managers can write saved replies"


class SavedReplyNotFound(NotFound):
    code = "desk_saved_reply_not_found"


def _checked(fields: Mapping[str, object]) -> tuple[str, str, str]:
    shortcut = str(fields.get("shortcut") or "").strip()
    language = str(fields.get("language") or "").strip().lower()
    body = str(fields.get("body") or "")
    if not _SHORTCUT.match(shortcut):
        raise InvalidDeskRequest("Validation failed: shortcut is 1-40 letters, digits, '-' or '_'")
    if language not in LANGUAGES:
        raise InvalidDeskRequest("Validation failed: language must be en or fi")
    if not body.strip() or len(body) > MAX_BODY:
        raise InvalidDeskRequest(f"Validation failed: body is 1-{MAX_BODY} characters")
    unknown = sorted({name for name in _VARIABLE.findall(body) if name not in VARIABLES})
    if unknown:
        known = ", ".join("{{" + v + "}}" for v in VARIABLES)
        raise InvalidDeskRequest.filled(
            N_("Validation failed: unknown variable %(variable)s (known: %(known)s)"),
            variable="{{" + unknown[0] + "}}",
            known=known,
        )
    return shortcut, language, body


async def listed(session: AsyncSession, actor: Actor, language: str | None) -> list[DeskSavedReply]:
    """The brand's saved replies (in ``language`` if given), by shortcut."""
    staff = await access.worker(session, actor)
    query = select(DeskSavedReply).where(DeskSavedReply.brand_account_id == staff.brand_id)
    if language:
        query = query.where(DeskSavedReply.language == language)
    rows = await session.scalars(query.order_by(DeskSavedReply.shortcut, DeskSavedReply.language))
    return list(rows)


async def _one(session: AsyncSession, brand_id: int, reply_id: int) -> DeskSavedReply:
    row = await session.get(DeskSavedReply, reply_id)
    if row is None or row.brand_account_id != brand_id:
        raise SavedReplyNotFound()
    return row


async def _taken(session: AsyncSession, brand: int, shortcut: str, language: str) -> int | None:
    return await session.scalar(
        select(DeskSavedReply.id).where(
            DeskSavedReply.brand_account_id == brand,
            DeskSavedReply.shortcut == shortcut,
            DeskSavedReply.language == language,
        )
    )


async def _changed(tx: Tx, actor: Actor, reply_id: int, change: str) -> None:
    event = DeskSavedReplyChanged(
        actor=actor, brand_account_id=actor.account_id, saved_reply_id=reply_id, change=change
    )
    await emit(tx, event)


async def create(tx: Tx, actor: Actor, fields: Mapping[str, object]) -> DeskSavedReply:
    session = tx.session
    await access.manager(session, actor, NOT_MANAGER)
    shortcut, language, body = _checked(fields)
    brand = actor.account_id
    if await _taken(session, brand, shortcut, language) is not None:
        raise Conflict.filled(
            N_("A saved reply '%(shortcut)s' in %(language)s exists already"),
            shortcut=shortcut,
            language=language,
        )
    count = len(
        list(
            await session.scalars(
                select(DeskSavedReply.id).where(DeskSavedReply.brand_account_id == brand)
            )
        )
    )
    if count >= MAX_PER_BRAND:
        raise InvalidDeskRequest(f"Validation failed: at most {MAX_PER_BRAND} saved replies")
    moment = now()
    row = DeskSavedReply(
        id=new_id(),
        brand_account_id=brand,
        shortcut=shortcut,
        language=language,
        body=body,
        created_at=moment,
        updated_at=moment,
    )
    session.add(row)
    await _changed(tx, actor, row.id, "created")
    return row


async def update(
    tx: Tx, actor: Actor, reply_id: int, fields: Mapping[str, object]
) -> DeskSavedReply:
    session = tx.session
    await access.manager(session, actor, NOT_MANAGER)
    row = await _one(session, actor.account_id, reply_id)
    merged = {"shortcut": row.shortcut, "language": row.language, "body": row.body, **fields}
    shortcut, language, body = _checked(merged)
    other = await _taken(session, actor.account_id, shortcut, language)
    if other is not None and other != row.id:
        raise Conflict.filled(
            N_("A saved reply '%(shortcut)s' in %(language)s exists already"),
            shortcut=shortcut,
            language=language,
        )
    row.shortcut, row.language, row.body, row.updated_at = shortcut, language, body, now()
    await _changed(tx, actor, row.id, "updated")
    return row


async def remove(tx: Tx, actor: Actor, reply_id: int) -> None:
    await access.manager(tx.session, actor, NOT_MANAGER)
    await tx.session.delete(await _one(tx.session, actor.account_id, reply_id))
    await _changed(tx, actor, reply_id, "deleted")


def _first(name: str) -> str:
    return name.split(maxsplit=1)[0] if name.split() else name


async def _values(session: AsyncSession, actor: Actor, contact_id: int) -> dict[str, str]:
    people = {
        a.id: a
        for a in await session.scalars(
            select(Account).where(Account.id.in_((contact_id, actor.account_id)))
        )
    }
    agent = await session.scalar(
        select(Account).join(User, User.account_id == Account.id).where(User.id == actor.user_id)
    )
    contact, brand = people.get(contact_id), people.get(actor.account_id)
    contact_name = (contact.display_name or contact.username) if contact else ""
    return {
        "first_name": _first(contact_name),
        "name": contact_name,
        "username": contact.username if contact else "",
        "brand": (brand.display_name or brand.username) if brand else "",
        "agent": _first(agent.display_name or agent.username) if agent else "",
    }


async def fill(
    session: AsyncSession, actor: Actor, reply_id: int, conversation: DeskConversation
) -> str:
    """The saved reply's body with the variables of ``conversation``'s person filled."""
    await access.worker(session, actor)
    row = await _one(session, actor.account_id, reply_id)
    values = await _values(session, actor, conversation.contact_account_id)
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), row.body)
