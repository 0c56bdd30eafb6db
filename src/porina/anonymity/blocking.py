"""Blocking a pseudonym blocks the person behind it in every thread, without saying who.

When someone blocks a pseudonym, ``anonymous_blocks`` records it and each of the author's
other pseudonyms is blocked for them too (``accounts.graph.block``, so every visibility rule
applies as to any block), as is each pseudonym the author takes later. Those blocks are quiet:
the blocker's list of blocks shows the pseudonym they chose only (``quiet_block``), so it
tells them nothing of which pseudonyms are one person. Unblocking that pseudonym lifts them
all. A pseudonym's author cannot post anonymously where the block would stop them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from porina.accounts import graph
from porina.accounts.queries import Relationship
from porina.anonymity.models import AnonymousBlock, Pseudonym
from porina.core import events as ev
from porina.core.actor import Actor
from porina.core.clock import now
from porina.jobs.events import subscribe
from porina.storage.db import Tx

Column = ColumnElement[int] | InstrumentedAttribute[int]


async def _pseudonyms_of(tx: Tx, author_id: int) -> list[int]:
    rows = await tx.session.scalars(
        select(Pseudonym.account_id).where(Pseudonym.author_account_id == author_id)
    )
    return list(rows)


@subscribe(ev.Blocked)
async def blocked(tx: Tx, event: ev.Blocked) -> None:
    link = await tx.session.get(Pseudonym, event.target_id)
    if link is None or link.author_account_id == event.account_id:
        return
    key = (event.account_id, link.author_account_id)
    if await tx.session.get(AnonymousBlock, key) is not None:
        return  # this block is one of the quiet ones (or repeats the chosen one)
    row = AnonymousBlock(
        account_id=event.account_id,
        author_account_id=link.author_account_id,
        via_account_id=event.target_id,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    for other in await _pseudonyms_of(tx, link.author_account_id):
        if other != event.target_id:
            await graph.block(tx, Actor(event.account_id), other)


@subscribe(ev.Unblocked)
async def unblocked(tx: Tx, event: ev.Unblocked) -> None:
    row = await tx.session.scalar(
        select(AnonymousBlock).where(
            AnonymousBlock.account_id == event.account_id,
            AnonymousBlock.via_account_id == event.target_id,
        )
    )
    if row is None:
        return
    await tx.session.delete(row)
    await tx.session.flush()
    for other in await _pseudonyms_of(tx, row.author_account_id):
        if other != event.target_id:
            await graph.unblock(tx, Actor(event.account_id), other)


async def spread_to(tx: Tx, author_id: int, pseudonym_id: int) -> None:
    """A new pseudonym of ``author_id`` is blocked by whoever blocked one of theirs."""
    blockers = await tx.session.scalars(
        select(AnonymousBlock.account_id).where(AnonymousBlock.author_account_id == author_id)
    )
    for blocker in list(blockers):
        await graph.block(tx, Actor(blocker), pseudonym_id)


async def unquiet(session: AsyncSession, viewer_id: int, rel: Relationship) -> Relationship:
    """``rel`` with a quiet block read as none (a relationship would otherwise tell the
    blocker which pseudonyms are one person's); a query only when ``rel`` is blocking."""
    if rel.blocking:
        quiet = select(quiet_block(literal(viewer_id), literal(rel.id)))
        rel.blocking = not await session.scalar(quiet)
    return rel


def quiet_block(blocker: Column, target: Column) -> ColumnElement[bool]:
    """SQL: the block of ``target`` by ``blocker`` is a quiet one (another pseudonym of an
    author whose pseudonym the blocker chose to block), which their list leaves out."""
    return exists().where(
        Pseudonym.account_id == target,
        AnonymousBlock.account_id == blocker,
        AnonymousBlock.author_account_id == Pseudonym.author_account_id,
        AnonymousBlock.via_account_id != target,
    )
