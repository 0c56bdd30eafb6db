"""Notifications from domain events, created in the action's transaction (a rolled-back
action notifies no one). ``notify`` decides who would not want one (blocks, mutes, muted
threads) and makes each idempotent."""

from __future__ import annotations

import functools

from sqlalchemy import BigInteger, bindparam, select
from sqlalchemy.orm import InstrumentedAttribute

from porina.accounts.models import Account, User
from porina.core import events as ev
from porina.jobs.events import subscribe
from porina.notifications.notify import NotificationType, notify
from porina.posts.models import Status
from porina.posts.polls import voter_ids
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt


@functools.lru_cache(maxsize=32)
def _local_statement(count: int) -> Prebuilt:
    """Which of ``count`` accounts are local: one prebuilt statement per count (a ``Prebuilt``
    takes no expanding ``IN``: one parameter each), run in the post's transaction."""
    ids = [bindparam(f"porina_{i}", type_=BigInteger) for i in range(count)]
    return Prebuilt(select(Account.id).where(Account.id.in_(ids), Account.domain.is_(None)))


async def _mentions(
    tx: Tx,
    mentioned: tuple[int, ...],
    sender: int,
    status: int,
    thread: int,
    *,
    direct_to: int | bool | None = False,
) -> None:
    """``mention`` to each local account mentioned (remote ones hear by federation).
    ``direct_to``: False when the status is not direct, else the author it replies to (None:
    no one), so a direct status that does not answer the recipient is a private mention to
    their notification policy."""
    if not mentioned:
        return
    params = {f"porina_{i}": account_id for i, account_id in enumerate(mentioned)}
    local = {int(row[0]) for row in await tx.run(_local_statement(len(mentioned)), params)}
    for account_id in mentioned:
        if account_id in local:
            private = direct_to is not False and direct_to != account_id
            await notify(
                tx,
                account_id,
                sender,
                "mention",
                status_id=status,
                thread_id=thread,
                private_mention=private,
            )


@subscribe(ev.StatusCreated)
async def status_created(tx: Tx, event: ev.StatusCreated) -> None:
    direct_to = event.parent_author_id if event.visibility == "direct" else False
    await _mentions(
        tx,
        event.mentioned,
        event.author_id,
        event.status_id,
        event.thread_id,
        direct_to=direct_to,
    )
    if event.quoted_author_id is not None:
        await notify(
            tx, event.quoted_author_id, event.author_id, "quote", status_id=event.status_id
        )


SHARED: tuple[tuple[NotificationType, InstrumentedAttribute[int | None]], ...] = (
    ("update", Status.reblog_of_id),
    ("quoted_update", Status.quote_of_id),
)
"""Who hears of an edit: those who boosted the status, and those who quoted it."""


async def _sharers(tx: Tx, column: InstrumentedAttribute[int | None], status_id: int) -> list[int]:
    rows = await tx.session.scalars(
        select(Status.account_id).where(column == status_id, Status.deleted_at.is_(None)).distinct()
    )
    return list(rows)


@subscribe(ev.StatusEdited)
async def status_edited(tx: Tx, event: ev.StatusEdited) -> None:
    """New mentions, and ``update`` / ``quoted_update`` to those who boosted or quoted it."""
    direct_to: int | bool | None = False
    if event.mentioned:
        found = (
            await tx.session.execute(
                select(Status.visibility, Status.in_reply_to_account_id).where(
                    Status.id == event.status_id
                )
            )
        ).one_or_none()
        if found is not None and found.visibility == "direct":
            direct_to = found.in_reply_to_account_id
    await _mentions(
        tx,
        event.mentioned,
        event.author_id,
        event.status_id,
        event.thread_id,
        direct_to=direct_to,
    )
    for kind, column in SHARED:
        for account_id in await _sharers(tx, column, event.status_id):
            await notify(
                tx,
                account_id,
                event.author_id,
                kind,
                status_id=event.status_id,
                dedupe=f"{kind}:{event.status_id}:{event.edited_at}",
            )


@subscribe(ev.Favourited)
async def favourited(tx: Tx, event: ev.Favourited) -> None:
    sender = event.actor.account_id if event.actor else 0
    await notify(
        tx,
        event.status_author_id,
        sender,
        "favourite",
        status_id=event.status_id,
        thread_id=event.thread_id,
    )


@subscribe(ev.Reblogged)
async def reblogged(tx: Tx, event: ev.Reblogged) -> None:
    await notify(
        tx,
        event.status_author_id,
        event.reblogger_id,
        "reblog",
        status_id=event.status_id,
        thread_id=event.thread_id,
    )


@subscribe(ev.Followed)
async def followed(tx: Tx, event: ev.Followed) -> None:
    await notify(tx, event.target_id, event.follower_id, "follow")


@subscribe(ev.FollowRequested)
async def follow_requested(tx: Tx, event: ev.FollowRequested) -> None:
    await notify(tx, event.target_id, event.follower_id, "follow_request")


@subscribe(ev.FollowRequestAuthorized)
async def follow_authorized(tx: Tx, event: ev.FollowRequestAuthorized) -> None:
    await notify(tx, event.target_id, event.follower_id, "follow")


@subscribe(ev.PollEnded)
async def poll_ended(tx: Tx, event: ev.PollEnded) -> None:
    """The author and every voter hear that the poll closed, once per closing time."""
    for account_id in [event.poll_author_id, *await voter_ids(tx, event.poll_id)]:
        await notify(
            tx,
            account_id,
            event.poll_author_id,
            "poll",
            status_id=event.status_id,
            dedupe=f"poll:{event.poll_id}:{event.ended_at}",
        )


@subscribe(ev.ReportFiled)
async def report_filed(tx: Tx, event: ev.ReportFiled) -> None:
    """Every admin and moderator hears of a new report."""
    staff = await tx.session.scalars(
        select(User.account_id).where(
            User.role.in_(("admin", "moderator")), User.disabled.is_(False)
        )
    )
    for staff_account in staff:
        await notify(
            tx, staff_account, event.reporter_id, "admin.report", report_id=event.report_id
        )
