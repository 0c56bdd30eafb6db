"""What the team does with a conversation: assign it, set its status, reply as the brand,
write an internal note. Each action checks the caller works this brand's desk
(``desk.access``), finds the conversation among the brand's own (else 404), changes it and
emits a desk event (``desk/events.py``) for the metrics and the live inbox to come."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from porina.accounts.models import Account, User
from porina.accounts.operators import team
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.ids import new_id
from porina.desk import access
from porina.desk import mentioned as desk_mentioned
from porina.desk.access import Staff
from porina.desk.errors import ConversationNotFound, InvalidDeskRequest
from porina.desk.events import DeskAssigned, DeskNoteAdded, DeskReplied, DeskStatusChanged
from porina.desk.models import STATUSES, DeskConversation, DeskItem, DeskMention
from porina.jobs.events import emit
from porina.posts.compose import NewStatus, create_status
from porina.posts.models import Status
from porina.storage.db import Tx

NOTE_MAX = 5000
REPLY_VISIBILITIES = ("public", "direct")
MESSAGES = ("mention", "reply", "quote", "direct")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,64})\b")


async def conversation(tx: Tx, staff: Staff, conversation_id: int) -> DeskConversation:
    """One of the brand's conversations, locked for the change; another brand's is a 404."""
    found = await tx.session.scalar(
        select(DeskConversation)
        .where(
            DeskConversation.id == conversation_id,
            DeskConversation.brand_account_id == staff.brand_id,
        )
        .with_for_update()
    )
    if found is None:
        raise ConversationNotFound()
    return found


async def _assignee_user(tx: Tx, staff: Staff, account_id: int) -> int:
    """The user whose own account is ``account_id``, if they work this brand's desk."""
    user_id = await tx.session.scalar(select(User.id).where(User.account_id == account_id))
    found = (
        None if user_id is None else await access.role(tx.session, Actor(staff.brand_id, user_id))
    )
    if user_id is None or found not in access.WORKERS:
        raise InvalidDeskRequest(
            "Validation failed: assignee_id must be a member of the team who works conversations"
        )
    return user_id


async def assign(
    tx: Tx, actor: Actor, conversation_id: int, assignee_account_id: int | None
) -> DeskConversation:
    """Give the conversation to a colleague (their own account's id), or to nobody."""
    staff = await access.worker(tx.session, actor)
    found = await conversation(tx, staff, conversation_id)
    user_id = None
    if assignee_account_id is not None:
        user_id = await _assignee_user(tx, staff, assignee_account_id)
    previous = found.assignee_user_id
    if previous == user_id:
        return found
    found.assignee_user_id = user_id
    await tx.session.flush()
    event = DeskAssigned(
        actor=actor,
        conversation_id=found.id,
        brand_account_id=staff.brand_id,
        assignee_user_id=user_id,
        previous_user_id=previous,
    )
    await emit(tx, event)
    return found


def _check_status(status: str, snooze_until: datetime | None) -> None:
    if status not in STATUSES:
        raise InvalidDeskRequest(f"Validation failed: status must be one of {', '.join(STATUSES)}")
    if status == "snoozed" and (snooze_until is None or aware(snooze_until) <= now()):
        raise InvalidDeskRequest("Validation failed: snooze_until must be a time in the future")
    if status != "snoozed" and snooze_until is not None:
        raise InvalidDeskRequest("Validation failed: snooze_until is only for status snoozed")


async def set_status(
    tx: Tx, actor: Actor, conversation_id: int, status: str, snooze_until: datetime | None
) -> DeskConversation:
    """Open, pending, snoozed until a future time, or resolved."""
    _check_status(status, snooze_until)
    staff = await access.worker(tx.session, actor)
    found = await conversation(tx, staff, conversation_id)
    return await change_status(tx, actor, found, status, snooze_until=snooze_until)


async def change_status(
    tx: Tx,
    actor: Actor,
    found: DeskConversation,
    status: str,
    *,
    snooze_until: datetime | None = None,
    rule_id: int | None = None,
) -> DeskConversation:
    """Set a conversation the caller may change (checked before) and emit the event; a desk
    rule's change carries its ``rule_id``."""
    previous = found.status
    moment = now()
    found.status = status
    found.snooze_until = snooze_until
    found.resolved_at = moment if status == "resolved" else None
    if status != "resolved":
        found.opened_at = found.opened_at or moment
    await tx.session.flush()
    event = DeskStatusChanged(
        actor=actor,
        conversation_id=found.id,
        brand_account_id=found.brand_account_id,
        status=status,
        previous=previous,
        snooze_until=snooze_until.isoformat() if snooze_until else None,
        rule_id=rule_id,
    )
    await emit(tx, event)
    return found


async def _last_from_contact(tx: Tx, found: DeskConversation, kinds: tuple[str, ...]) -> int | None:
    """The newest status the person sent among items of ``kinds``."""
    result: int | None = await tx.session.scalar(
        select(DeskItem.status_id)
        .where(
            DeskItem.conversation_id == found.id,
            DeskItem.kind.in_(kinds),
            DeskItem.account_id == found.contact_account_id,
            DeskItem.status_id.is_not(None),
        )
        .order_by(DeskItem.id.desc())
        .limit(1)
    )
    return result


def _addressed(text: str, contact: Account) -> str:
    """The text starting with the person's handle, unless it already names them."""
    handle = f"@{contact.username}" + (f"@{contact.domain}" if contact.domain else "")
    if re.search(rf"(?<![\w@]){re.escape(handle)}(?![\w@.])", text, re.IGNORECASE):
        return text
    return f"{handle} {text}"


async def _reply_status(tx: Tx, found: DeskConversation, text: str, visibility: str) -> NewStatus:
    contact = await tx.session.get(Account, found.contact_account_id)
    if contact is None:
        raise ConversationNotFound()
    if visibility == "direct":
        parent = await _last_from_contact(tx, found, ("direct",))
    else:
        parent = await _last_from_contact(tx, found, ("mention", "reply", "quote", "outreach"))
        if parent is None:
            raise InvalidDeskRequest(
                "Validation failed: this person has no public message to reply to; "
                "reply with visibility direct"
            )
    return NewStatus(text=_addressed(text, contact), visibility=visibility, in_reply_to_id=parent)


async def reply(
    tx: Tx, actor: Actor, conversation_id: int, text: str, visibility: str, *, resolve: bool = False
) -> Status:
    """Publish as the brand, the staff member recorded as its writer: a public reply to the
    person's last public message in the thread, or a direct message to them (in reply to
    their last one, if any). The status lands in the conversation as ``sent`` (through the
    ingestion of the status it publishes). ``resolve`` resolves the conversation too."""
    if visibility not in REPLY_VISIBILITIES:
        raise InvalidDeskRequest("Validation failed: visibility must be public or direct")
    if not text.strip():
        raise InvalidDeskRequest("Validation failed: text can't be blank")
    staff = await access.worker(tx.session, actor)
    found = await conversation(tx, staff, conversation_id)
    status = await publish(tx, actor, found, text, visibility)
    if resolve and found.status != "resolved":
        await change_status(tx, actor, found, "resolved")
    return status


async def publish(
    tx: Tx,
    actor: Actor,
    found: DeskConversation,
    text: str,
    visibility: str,
    *,
    rule_id: int | None = None,
) -> Status:
    """Publish the reply as the brand in ``found`` (the caller checked who may) and emit
    ``DeskReplied``; a desk rule's auto-reply carries its ``rule_id``."""
    status = await create_status(tx, actor, await _reply_status(tx, found, text, visibility))
    event = DeskReplied(
        actor=actor,
        conversation_id=found.id,
        brand_account_id=found.brand_account_id,
        status_id=status.id,
        visibility=visibility,
        rule_id=rule_id,
    )
    await emit(tx, event)
    return status


async def _mentioned_colleagues(tx: Tx, staff: Staff, text: str) -> dict[int, str]:
    """Team members named ``@username`` (their own account's) who work conversations."""
    names = {m.lower() for m in _MENTION.findall(text)}
    if not names:
        return {}
    members = await team(tx.session, staff.brand_id)
    return {
        m.user_id: m.username
        for m in members
        if m.username.lower() in names and m.role in access.WORKERS
    }


async def add_note(tx: Tx, actor: Actor, conversation_id: int, text: str) -> DeskItem:
    """An internal note by the staff member: seen only by the brand's team through the desk,
    never by the person; colleagues it ``@mentions`` find the conversation in *Mentioned*."""
    if not text.strip():
        raise InvalidDeskRequest("Validation failed: text can't be blank")
    if len(text) > NOTE_MAX:
        raise InvalidDeskRequest(f"Validation failed: text is too long (maximum is {NOTE_MAX})")
    staff = await access.worker(tx.session, actor)
    found = await conversation(tx, staff, conversation_id)
    own = await tx.session.scalar(select(User.account_id).where(User.id == staff.user_id))
    item_id = new_id()
    item = DeskItem(
        id=item_id,
        conversation_id=found.id,
        kind="note",
        account_id=own if own is not None else staff.brand_id,
        operator_user_id=staff.user_id,
        text=text,
        dedupe=f"note:{item_id}",
        created_at=now(),
    )
    tx.session.add(item)
    mentioned = await _mentioned_colleagues(tx, staff, text)
    for user_id in sorted(mentioned):
        tx.session.add(DeskMention(item_id=item_id, user_id=user_id, conversation_id=found.id))
    await tx.session.flush()
    await desk_mentioned.add(tx, found, mentioned)
    event = DeskNoteAdded(
        actor=actor,
        conversation_id=found.id,
        brand_account_id=staff.brand_id,
        item_id=item_id,
        mentioned_user_ids=tuple(sorted(mentioned)),
    )
    await emit(tx, event)
    return item
