"""Ingestion: what reaches a brand becomes an item of the person's one conversation with it.

- A message (mention, reply, quote, direct) joins the person's conversation, creating it if
  there is none, and makes it **open** whatever it was (resolved, snoozed, pending): the
  customer spoke, the team owes an answer. It moves the conversation's ``last_activity_at``.
- A light item (favourite, reblog, follow) joins the conversation but never reopens it nor
  moves its activity time: a like asks nothing. A person with no conversation yet gets one
  that is already **resolved** and was never opened (``opened_at`` None), so it is in the
  person's history and in *resolved* lists without costing the team anything.
- What the brand sends to a person with a conversation (a reply in their thread, a direct
  message, from the desk or any other client) joins it as ``sent``, by the staff member who
  wrote it; it changes no status. The brand writing to someone it has no conversation with
  starts none.

Every item has a ``dedupe`` key unique in its conversation (``status:<id>``,
``favourite:<status id>``, ``reblog:<status id>``, ``follow``): a replayed event adds nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, bindparam, select

from porina.accounts.models import AccountOperator, User
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import new_id
from porina.desk import moods
from porina.desk.events import DeskItemAdded
from porina.desk.metrics_models import DeskClock
from porina.desk.models import DeskConversation, DeskItem, DeskMentioned
from porina.desk.rules_models import DeskRule
from porina.jobs.events import emit
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

LIGHT = frozenset({"favourite", "reblog", "follow"})


@functools.cache
def _brand_statement() -> Prebuilt:
    """Built once: every favourite, boost and follow asks whether its target has a team."""
    return Prebuilt(
        select(AccountOperator.account_id)
        .where(AccountOperator.account_id == bindparam("porina_brand", type_=BigInteger))
        .limit(1)
    )


async def is_brand(tx: Tx, account_id: int) -> bool:
    """A brand is an account with a team (operators)."""
    return (await tx.run(_brand_statement(), {"porina_brand": account_id})).first() is not None


@dataclass(frozen=True, slots=True)
class Filing:
    """What a message's filing read with the brand: the sender's conversation (None: none
    yet), its response clock (held here: the session keeps unchanged rows weakly), whether
    the brand has enabled rules and whether a note mentioned a colleague in the conversation
    (it has *Mentioned* rows to copy onto)."""

    conversation: DeskConversation | None
    clock: DeskClock | None
    has_rules: bool
    has_mentioned: bool


async def brands_with_conversations(
    tx: Tx, ids: Iterable[int | None], contact_id: int
) -> dict[int, Filing]:
    """Which of ``ids`` are brands, each with its ``Filing`` for ``contact_id``: one statement
    where a post to a brand read the brands, the conversation, the clock and the rules in
    four, and copied onto *Mentioned* rows that are seldom there (each a round trip on
    PostgreSQL inside the post's transaction). The clock joins the session, where
    ``desk.metrics`` finds it."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    brands = (
        select(AccountOperator.account_id.label("brand"))
        .where(AccountOperator.account_id.in_(wanted))
        .distinct()
        .subquery()
    )
    pair = (DeskConversation.brand_account_id == brands.c.brand) & (
        DeskConversation.contact_account_id == contact_id
    )
    rules = (
        select(DeskRule.id)
        .where(DeskRule.brand_account_id == brands.c.brand, DeskRule.enabled.is_(True))
        .exists()
    )
    mentioned = select(DeskMentioned.user_id).where(
        DeskMentioned.conversation_id == DeskConversation.id
    )
    statement = (
        select(brands.c.brand, DeskConversation, DeskClock, rules, mentioned.exists())
        .outerjoin(DeskConversation, pair)
        .outerjoin(DeskClock, DeskClock.conversation_id == DeskConversation.id)
    )
    rows = await tx.session.execute(statement)
    return {
        brand: Filing(found, clock, bool(ruled), bool(named))
        for brand, found, clock, ruled, named in rows
    }


async def conversation_of(tx: Tx, brand_id: int, contact_id: int) -> DeskConversation | None:
    return await tx.session.scalar(
        select(DeskConversation).where(
            DeskConversation.brand_account_id == brand_id,
            DeskConversation.contact_account_id == contact_id,
        )
    )


async def _find_or_start(
    tx: Tx, brand_id: int, contact_id: int, *, light: bool, filing: Filing | None
) -> DeskConversation:
    """The person's conversation with the brand; a new one is open, or resolved and never
    opened when a light item starts it. Safe against a concurrent first message (the unique
    pair decides). An existing conversation (a person's next message) is one read, or none
    when the caller read it (``filing``)."""
    found = (
        await conversation_of(tx, brand_id, contact_id) if filing is None else filing.conversation
    )
    if found is not None:
        return found
    moment = now()
    values: dict[str, Any] = {
        "id": new_id(),
        "brand_account_id": brand_id,
        "contact_account_id": contact_id,
        "status": "resolved" if light else "open",
        "labels": [],
        "last_activity_at": moment,
        "created_at": moment,
        "opened_at": None if light else moment,
    }
    unique = ("brand_account_id", "contact_account_id")
    await tx.insert_if_absent(DeskConversation, values, unique=unique)
    found = await conversation_of(tx, brand_id, contact_id)
    assert found is not None  # inserted above, or already there
    return found


async def _add_item(
    tx: Tx, conversation: DeskConversation, values: dict[str, object]
) -> int | None:
    """Insert the item unless its ``dedupe`` key is already in the conversation; its id."""
    item_id = new_id()
    row = {"id": item_id, "conversation_id": conversation.id, "created_at": now(), **values}
    inserted = await tx.insert_if_absent(DeskItem, row, unique=("conversation_id", "dedupe"))
    return item_id if inserted else None


def _reopen(conversation: DeskConversation) -> bool:
    """A customer's message: the conversation is open again; True when it was not."""
    moment = now()
    was_open = conversation.status == "open"
    conversation.status = "open"
    conversation.snooze_until = None
    conversation.resolved_at = None
    conversation.opened_at = conversation.opened_at or moment
    conversation.last_activity_at = moment
    return not was_open


async def incoming(
    tx: Tx,
    actor: Actor | None,
    brand_id: int,
    contact_id: int,
    kind: str,
    *,
    status_id: int | None,
    filing: Filing | None = None,
) -> None:
    """Something ``contact_id`` did that reached ``brand_id`` (see the module's rules);
    ``filing``: what the caller read with the brand (``brands_with_conversations``)."""
    if contact_id == brand_id:
        return
    light = kind in LIGHT
    conversation = await _find_or_start(tx, brand_id, contact_id, light=light, filing=filing)
    dedupe = "follow" if kind == "follow" else f"{'status' if not light else kind}:{status_id}"
    values: dict[str, Any] = {
        "kind": kind,
        "status_id": status_id,
        "account_id": contact_id,
        "dedupe": dedupe,
    }
    if not light and status_id is not None:
        values["sentiment"] = await moods.of_status(tx, status_id)
    item_id = await _add_item(tx, conversation, values)
    if item_id is None:
        return
    reopened = False if light else _reopen(conversation)
    await tx.session.flush()
    if values.get("sentiment") in ("positive", "negative"):
        await moods.refresh(tx, conversation)
    added = DeskItemAdded(
        actor=actor,
        conversation_id=conversation.id,
        brand_account_id=brand_id,
        item_id=item_id,
        kind=kind,
        status_id=status_id,
        reopened=reopened,
        has_rules=None if filing is None else filing.has_rules,
        has_mentioned=None if filing is None else filing.has_mentioned,
    )
    await emit(tx, added)


async def _writer_account(tx: Tx, actor: Actor | None, brand_id: int) -> int:
    """The staff member's own account (who wrote it), else the brand's."""
    if actor is None or actor.user_id is None:
        return brand_id
    own = await tx.session.scalar(select(User.account_id).where(User.id == actor.user_id))
    return own if own is not None else brand_id


async def sent(
    tx: Tx, actor: Actor | None, brand_id: int, contact_ids: Iterable[int], status_id: int
) -> None:
    """A status the brand published to people: a ``sent`` item in each one's conversation."""
    for contact_id in sorted(set(contact_ids) - {brand_id}):
        conversation = await conversation_of(tx, brand_id, contact_id)
        if conversation is None:
            continue
        values: dict[str, Any] = {
            "kind": "sent",
            "status_id": status_id,
            "account_id": await _writer_account(tx, actor, brand_id),
            "operator_user_id": actor.user_id if actor else None,
            "dedupe": f"status:{status_id}",
        }
        item_id = await _add_item(tx, conversation, values)
        if item_id is None:
            continue
        conversation.last_activity_at = now()
        await tx.session.flush()
        added = DeskItemAdded(
            actor=actor,
            conversation_id=conversation.id,
            brand_account_id=brand_id,
            item_id=item_id,
            kind="sent",
            status_id=status_id,
        )
        await emit(tx, added)
