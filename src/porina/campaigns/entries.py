"""Contest entries kept from the social events (issue 18, point 1; docs/events.md).

Each entry action adds the entrant's row for that action to every running contest it counts
for (``starts_at <= now < ends_at``, state ``open``); undoing it (unfavourite, unreblog,
unfollow, deleting the reply or quote) before the end removes the row, so its tickets. After
the end nothing changes: ``close`` froze the entries. Eligibility (age, followers, staff) is
applied at close by ``tally``, so it reads the facts of that moment.

Cost: a favourite, reblog or follow costs one indexed ``SELECT`` of the running contests of
the post (or brand) when there is none; a post's reply or quote the same; others none. The
statements are prebuilt (``Tx.run``): no ORM step in the write's transaction.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, and_, bindparam, delete, select, update

from porina.campaigns.models import Contest, ContestEntry
from porina.core.clock import now
from porina.core.events import (
    Favourited,
    Followed,
    Reblogged,
    StatusCreated,
    StatusDeleted,
    Unfavourited,
    Unfollowed,
    Unreblogged,
)
from porina.core.ids import new_id
from porina.jobs.events import subscribe
from porina.posts.models import Status
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

PUBLIC = ("public", "unlisted")


@dataclass(frozen=True, slots=True)
class Running:
    """What the entry subscribers need of a running contest."""

    id: int
    brand_account_id: int
    weights: dict[str, Any]
    reply_must_contain: str | None


_MOMENT = bindparam("porina_moment", type_=Contest.__table__.c.starts_at.type)


@functools.cache
def _running_statement(by: str) -> Prebuilt:
    """The running contests of a post (``by="status_id"``) or a brand (``"brand_id"``): one
    indexed read, built and compiled once, run in the write's transaction as a prebuilt
    statement (every favourite, boost, follow and their undo asks it, usually of no row)."""
    column = Contest.status_id if by == "status_id" else Contest.brand_account_id
    return Prebuilt(
        select(Contest.id, Contest.brand_account_id, Contest.weights, Contest.reply_must_contain)
        .where(Contest.state == "open", Contest.starts_at <= _MOMENT, Contest.ends_at > _MOMENT)
        .where(column == bindparam("porina_key", type_=BigInteger))
        .order_by(Contest.id)
    )


def _json(value: Any) -> Any:
    """A JSON column as the driver gave it: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str | bytes) else value


async def _contests(tx: Tx, **where: int) -> list[Running]:
    ((by, key),) = where.items()
    ran = await tx.run(_running_statement(by), {"porina_key": key, "porina_moment": now()})
    return [
        Running(int(cid), int(brand), _json(weights) or {}, must)
        for cid, brand, weights, must in ran
    ]


_ENTRY = {
    "porina_contest": bindparam("porina_contest", type_=BigInteger),
    "porina_account": bindparam("porina_account", type_=BigInteger),
    "porina_action": bindparam("porina_action", type_=String),
}


def _entry_where() -> ColumnElement[bool]:
    return and_(
        ContestEntry.contest_id == _ENTRY["porina_contest"],
        ContestEntry.account_id == _ENTRY["porina_account"],
        ContestEntry.action == _ENTRY["porina_action"],
    )


@functools.cache
def _public_statement() -> Prebuilt:
    """An entry made privately becomes public when the entrant acts again in public."""
    return Prebuilt(
        update(ContestEntry)
        .where(_entry_where(), ContestEntry.private.is_(True))
        .values(private=False)
    )


@functools.cache
def _remove_statement() -> Prebuilt:
    return Prebuilt(delete(ContestEntry).where(_entry_where()))


async def _add(tx: Tx, contest: Running, account_id: int, action: str, private: bool) -> None:
    if account_id == contest.brand_account_id or not contest.weights.get(action):
        return
    row = {
        "id": new_id(),
        "contest_id": contest.id,
        "account_id": account_id,
        "action": action,
        "private": private,
        "created_at": now(),
    }
    unique = ("contest_id", "account_id", "action")
    if not await tx.insert_if_absent(ContestEntry, row, unique=unique) and not private:
        params = {"porina_contest": contest.id, "porina_account": account_id}
        await tx.run(_public_statement(), {**params, "porina_action": action})


async def _remove(tx: Tx, contests: list[Running], account_id: int, action: str) -> None:
    for contest in contests:
        params = {"porina_contest": contest.id, "porina_account": account_id}
        await tx.run(_remove_statement(), {**params, "porina_action": action})


async def enter(tx: Tx, account_id: int, action: str, private: bool, **where: int) -> None:
    for contest in await _contests(tx, **where):
        await _add(tx, contest, account_id, action, private)


async def leave(tx: Tx, account_id: int, action: str, **where: int) -> None:
    await _remove(tx, await _contests(tx, **where), account_id, action)


def _by_someone(event: Favourited | Unfavourited) -> bool:
    return event.actor is not None and event.actor.account_id != event.status_author_id


@subscribe(Favourited, when=_by_someone)
async def favourited(tx: Tx, event: Favourited) -> None:
    if event.actor is not None:
        await enter(tx, event.actor.account_id, "favourite", False, status_id=event.status_id)


@subscribe(Unfavourited, when=_by_someone)
async def unfavourited(tx: Tx, event: Unfavourited) -> None:
    if event.actor is not None:
        await leave(tx, event.actor.account_id, "favourite", status_id=event.status_id)


@subscribe(Reblogged, when=lambda e: e.reblogger_id != e.status_author_id)
async def reblogged(tx: Tx, event: Reblogged) -> None:
    await enter(tx, event.reblogger_id, "reblog", False, status_id=event.status_id)


@subscribe(Unreblogged, when=lambda e: e.reblogger_id != e.status_author_id)
async def unreblogged(tx: Tx, event: Unreblogged) -> None:
    await leave(tx, event.reblogger_id, "reblog", status_id=event.status_id)


@subscribe(Followed)
async def followed(tx: Tx, event: Followed) -> None:
    await enter(tx, event.follower_id, "follow", False, brand_id=event.target_id)


@subscribe(Unfollowed)
async def unfollowed(tx: Tx, event: Unfollowed) -> None:
    await leave(tx, event.follower_id, "follow", brand_id=event.target_id)


def _answers(event: StatusCreated) -> bool:
    return event.parent_id is not None or event.quoted_id is not None


def _contains(text: str, needed: str | None) -> bool:
    return needed is None or needed.casefold() in text.casefold()


@subscribe(StatusCreated, when=_answers)
async def answered(tx: Tx, event: StatusCreated) -> None:
    """A reply to (or quote of) a contest post; a reply must contain ``reply_must_contain``
    when set. A followers-only or direct one is a private action (listed by pseudonym)."""
    private = event.visibility not in PUBLIC
    targets = [(event.parent_id, "reply"), (event.quoted_id, "quote")]
    for status_id, action in targets:
        if status_id is None:
            continue
        for contest in await _contests(tx, status_id=status_id):
            if action == "reply" and contest.reply_must_contain:
                status = await tx.session.get(Status, event.status_id)
                if status is None or not _contains(status.text, contest.reply_must_contain):
                    continue
            await _add(tx, contest, event.author_id, action, private)


@subscribe(StatusDeleted, when=lambda e: e.reblog_of_id is None)
async def unanswered(tx: Tx, event: StatusDeleted) -> None:
    """Deleting the reply or quote takes its tickets back when no other one still counts."""
    status = await tx.session.get(Status, event.status_id)
    if status is None:
        return
    for status_id, action in ((status.in_reply_to_id, "reply"), (status.quote_of_id, "quote")):
        if status_id is None:
            continue
        others = await tx.session.scalar(
            select(Status.id).where(
                Status.account_id == event.author_id,
                Status.id != event.status_id,
                Status.deleted_at.is_(None),
                (Status.in_reply_to_id if action == "reply" else Status.quote_of_id) == status_id,
            )
        )
        if others is None:
            await leave(tx, event.author_id, action, status_id=status_id)
