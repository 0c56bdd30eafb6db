"""Sentiment in the inbox (issue 16, point 6): each incoming message is classified when it is
filed (``desk.sentiment``), a conversation's sentiment is the mean of its last five non-neutral
messages, and staff override an item's sentiment; the overrides are kept, and measure the
classifier on the brand's real messages (``accuracy``).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from porina.core.actor import Actor
from porina.core.clock import now
from porina.desk import access
from porina.desk.errors import ConversationNotFound, InvalidDeskRequest
from porina.desk.models import DeskConversation, DeskItem, DeskSentimentOverride
from porina.desk.sentiment import (
    CONVERSATION_WINDOW,
    SENTIMENTS,
    Sentiment,
    classify,
    conversation_sentiment,
)
from porina.desk.sentiment_eval import Report, report
from porina.desk.team_events import DeskSentimentOverridden
from porina.jobs.events import emit
from porina.posts.models import Status
from porina.storage.db import Tx

MESSAGES = frozenset({"mention", "reply", "quote", "direct", "outreach"})


_WORDS = frozenset({"text", "spoiler_text", "language"})


def _in_session(tx: Tx, status_id: int) -> tuple[str | None, str | None, str | None] | None:
    """The status's words from the session when it holds the row with them loaded: the
    status a post is filing was written in this transaction and joined the session
    (``posts.compose``), so reading them back would be a round trip for what is in hand."""
    found = tx.session.identity_map.get(identity_key(Status, status_id))
    if not isinstance(found, Status) or _WORDS & inspect(found).unloaded:
        return None
    return found.text, found.spoiler_text, found.language


async def of_status(tx: Tx, status_id: int) -> Sentiment | None:
    """The sentiment of a status's text (its spoiler text too), in its language."""
    row = _in_session(tx, status_id)
    if row is None:
        statement = select(Status.text, Status.spoiler_text, Status.language)
        found = (await tx.session.execute(statement.where(Status.id == status_id))).first()
        if found is None:
            return None
        row = (found[0], found[1], found[2])
    text = " ".join(part for part in (row[1], row[0]) if part)
    return classify(text, row[2]) if text.strip() else "neutral"


async def refresh(tx: Tx, conversation: DeskConversation) -> None:
    """The conversation's sentiment from its last five non-neutral incoming messages."""
    rows = await tx.session.scalars(
        select(DeskItem.sentiment)
        .where(
            DeskItem.conversation_id == conversation.id,
            DeskItem.kind.in_(MESSAGES),
            DeskItem.sentiment.in_(("positive", "negative")),
        )
        .order_by(DeskItem.id.desc())
        .limit(CONVERSATION_WINDOW)
    )
    labels = [cast(Sentiment, label) for label in reversed(list(rows))]
    conversation.sentiment = conversation_sentiment(labels)


def _label(raw: str) -> Sentiment:
    if raw not in SENTIMENTS:
        choices = ", ".join(SENTIMENTS)
        raise InvalidDeskRequest(f"Validation failed: sentiment must be one of {choices}")
    return raw


async def override(
    tx: Tx, actor: Actor, conversation_id: int, item_id: int, sentiment: str
) -> DeskItem:
    """A staff member sets an incoming message's sentiment; the classifier's label and the
    correction are kept (a second correction replaces the first, the prediction stays)."""
    label = _label(sentiment)
    staff = await access.worker(tx.session, actor)
    conversation = await tx.session.get(DeskConversation, conversation_id)
    if conversation is None or conversation.brand_account_id != staff.brand_id:
        raise ConversationNotFound()
    item = await tx.session.get(DeskItem, item_id)
    if item is None or item.conversation_id != conversation.id or item.kind not in MESSAGES:
        raise InvalidDeskRequest("Validation failed: item_id is not a message of this conversation")
    kept = await tx.session.get(DeskSentimentOverride, item.id)
    if kept is None:
        kept = DeskSentimentOverride(
            item_id=item.id, brand_account_id=staff.brand_id, predicted=item.sentiment
        )
        tx.session.add(kept)
    kept.corrected, kept.user_id, kept.created_at = label, staff.user_id, now()
    item.sentiment = label
    await tx.session.flush()
    await refresh(tx, conversation)
    event = DeskSentimentOverridden(
        actor=actor,
        conversation_id=conversation.id,
        brand_account_id=staff.brand_id,
        item_id=item.id,
        sentiment=label,
        predicted=kept.predicted,
    )
    await emit(tx, event)
    return item


async def accuracy(session: AsyncSession, brand_id: int) -> Report:
    """The classifier measured against the brand's staff corrections."""
    rows = await session.execute(
        select(DeskSentimentOverride.corrected, DeskSentimentOverride.predicted).where(
            DeskSentimentOverride.brand_account_id == brand_id,
            DeskSentimentOverride.predicted.is_not(None),
        )
    )
    return report((cast(Sentiment, truth), cast(Sentiment, guess)) for truth, guess in rows)
