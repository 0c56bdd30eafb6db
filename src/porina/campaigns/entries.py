"""Contest entries kept from the social events (issue 18, point 1; docs/events.md).

Each entry action adds the entrant's row for that action to every running contest it counts
for (``starts_at <= now < ends_at``, state ``open``); undoing it (unfavourite, unreblog,
unfollow, deleting the reply or quote) before the end removes the row, so its tickets. After
the end nothing changes: ``close`` froze the entries. Eligibility (age, followers, staff) is
applied at close by ``tally``, so it reads the facts of that moment.

Cost: a favourite, reblog or follow costs one indexed ``SELECT`` of the running contests of
the post (or brand) when there is none; a post's reply or quote the same; others none.
"""

from __future__ import annotations

from sqlalchemy import Select, delete, select

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

PUBLIC = ("public", "unlisted")


def _running(**where: int) -> Select[Contest]:
    moment = now()
    query = select(Contest).where(
        Contest.state == "open", Contest.starts_at <= moment, Contest.ends_at > moment
    )
    if "status_id" in where:
        return query.where(Contest.status_id == where["status_id"])
    return query.where(Contest.brand_account_id == where["brand_id"])


async def _contests(tx: Tx, **where: int) -> list[Contest]:
    return list(await tx.session.scalars(_running(**where)))


async def _add(tx: Tx, contest: Contest, account_id: int, action: str, private: bool) -> None:
    if account_id == contest.brand_account_id or not (contest.weights or {}).get(action):
        return
    found = await tx.session.scalar(
        select(ContestEntry).where(
            ContestEntry.contest_id == contest.id,
            ContestEntry.account_id == account_id,
            ContestEntry.action == action,
        )
    )
    if found is None:
        tx.session.add(
            ContestEntry(
                id=new_id(),
                contest_id=contest.id,
                account_id=account_id,
                action=action,
                private=private,
                created_at=now(),
            )
        )
    elif found.private and not private:
        found.private = False


async def _remove(tx: Tx, contests: list[Contest], account_id: int, action: str) -> None:
    if contests:
        await tx.session.execute(
            delete(ContestEntry).where(
                ContestEntry.contest_id.in_([c.id for c in contests]),
                ContestEntry.account_id == account_id,
                ContestEntry.action == action,
            )
        )


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
