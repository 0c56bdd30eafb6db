"""The desk listens to what reaches a brand (an account with a team) and files it in the
inbox (``desk/inbox.py`` has the grouping rules), in the transaction of the action that
caused it: the item is there as soon as the customer's post is.

Cost: a post that mentions, replies to or quotes nobody else queues nothing here (``when``);
the others cost one statement: which of those accounts are brands, with the author's
conversation with each, its response clock, whether the brand has enabled rules and whether
the conversation has *Mentioned* rows (``inbox.brands_with_conversations``; the status's
words for its sentiment are in the session already). A favourite, boost or follow costs one
indexed look-up of its target's team (``inbox.is_brand``).
"""

from __future__ import annotations

from porina.core.events import (
    DirectMessageSent,
    Favourited,
    Followed,
    Reblogged,
    StatusCreated,
)
from porina.desk import inbox
from porina.jobs.events import subscribe
from porina.storage.db import Tx


def _others(event: StatusCreated) -> set[int]:
    """Who a public, unlisted or private status addresses besides its author."""
    named = {*event.mentioned, event.parent_author_id, event.quoted_author_id}
    return {i for i in named if i is not None and i != event.author_id}


def _addresses_someone(event: StatusCreated) -> bool:
    """Direct statuses come as ``DirectMessageSent``; a post to nobody concerns no desk."""
    return event.visibility != "direct" and bool(_others(event))


def _kind(event: StatusCreated, brand_id: int) -> str:
    if event.parent_author_id == brand_id:
        return "reply"
    if event.quoted_author_id == brand_id:
        return "quote"
    return "mention"


@subscribe(StatusCreated, when=_addresses_someone)
async def status_created(tx: Tx, event: StatusCreated) -> None:
    others = _others(event)
    filed = await inbox.brands_with_conversations(tx, {*others, event.author_id}, event.author_id)
    for brand_id in sorted(filed.keys() & others):
        await inbox.incoming(
            tx,
            event.actor,
            brand_id,
            event.author_id,
            _kind(event, brand_id),
            status_id=event.status_id,
            filing=filed[brand_id],
        )
    if event.author_id in filed:
        await inbox.sent(tx, event.actor, event.author_id, others, event.status_id)


@subscribe(DirectMessageSent)
async def direct_message_sent(tx: Tx, event: DirectMessageSent) -> None:
    recipients = set(event.recipients) - {event.author_id}
    if not recipients:
        return
    author = event.author_id
    filed = await inbox.brands_with_conversations(tx, {*recipients, author}, author)
    for brand_id in sorted(filed.keys() & recipients):
        await inbox.incoming(
            tx,
            event.actor,
            brand_id,
            author,
            "direct",
            status_id=event.status_id,
            filing=filed[brand_id],
        )
    if author in filed:
        await inbox.sent(tx, event.actor, event.author_id, recipients, event.status_id)


@subscribe(
    Favourited, when=lambda e: e.actor is not None and e.actor.account_id != e.status_author_id
)
async def favourited(tx: Tx, event: Favourited) -> None:
    if event.actor is None or not await inbox.is_brand(tx, event.status_author_id):
        return
    fan = event.actor.account_id
    await inbox.incoming(
        tx, event.actor, event.status_author_id, fan, "favourite", status_id=event.status_id
    )


@subscribe(Reblogged, when=lambda e: e.reblogger_id != e.status_author_id)
async def reblogged(tx: Tx, event: Reblogged) -> None:
    if not await inbox.is_brand(tx, event.status_author_id):
        return
    brand_id, booster = event.status_author_id, event.reblogger_id
    await inbox.incoming(tx, event.actor, brand_id, booster, "reblog", status_id=event.status_id)


@subscribe(Followed, when=lambda e: e.follower_id != e.target_id)
async def followed(tx: Tx, event: Followed) -> None:
    if not await inbox.is_brand(tx, event.target_id):
        return
    await inbox.incoming(
        tx, event.actor, event.target_id, event.follower_id, "follow", status_id=None
    )
