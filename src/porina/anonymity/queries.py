"""Anonymity's reads. Who is behind a pseudonym is answered to the author themself, to the
reply notifications they get, and to an admin's logged reveal; nothing here renders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, AccountOperator
from porina.anonymity.models import (
    AnonymityPolicy,
    AnonymousPending,
    AnonymousReveal,
    Pseudonym,
)
from porina.groups.models import Group
from porina.posts.models import Mention, Status


async def own_status_ids(session: AsyncSession, author_id: int, limit: int = 40) -> list[int]:
    """The author's anonymous posts not deleted, newest first (for them alone)."""
    rows = await session.scalars(
        select(Status.id)
        .join(Pseudonym, Pseudonym.account_id == Status.account_id)
        .where(Pseudonym.author_account_id == author_id, Status.deleted_at.is_(None))
        .order_by(Status.id.desc())
        .limit(limit)
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class OwnPost:
    """One of a person's anonymous posts, for their own archive (``privacy.contents``): the
    status, its pseudonym, and the group or the brand it went to (a question to the brand,
    or a reply in a thread the brand started)."""

    status: Status
    pseudonym: Account
    group: Account | None
    brand: Account | None


async def own_posts(session: AsyncSession, author_id: int) -> list[OwnPost]:
    """Every anonymous post of ``author_id`` not deleted, oldest first: for them alone."""
    rows = (
        await session.execute(
            select(Status, Account)
            .join(Pseudonym, Pseudonym.account_id == Status.account_id)
            .join(Account, Account.id == Status.account_id)
            .where(Pseudonym.author_account_id == author_id, Status.deleted_at.is_(None))
            .order_by(Status.id)
        )
    ).all()
    brand_of = await _brands_of(session, [status for status, _ in rows])
    groups = {s.group_id for s, _ in rows if s.group_id is not None}
    wanted = groups | set(brand_of.values())
    accounts: dict[int, Account] = {}
    if wanted:
        found = await session.scalars(select(Account).where(Account.id.in_(wanted)))
        accounts = {a.id: a for a in found}
    return [
        OwnPost(
            status=status,
            pseudonym=pseudonym,
            group=accounts.get(status.group_id) if status.group_id is not None else None,
            brand=accounts.get(brand_of.get(status.id, 0)),
        )
        for status, pseudonym in rows
    ]


async def _brands_of(session: AsyncSession, statuses: list[Status]) -> dict[int, int]:
    """Status -> the brand it went to: one its thread's first post mentions (a question
    to the brand), or the brand that wrote that first post."""
    roots = {s.id: s.thread_id or s.id for s in statuses}
    if not roots:
        return {}
    first = set(roots.values())
    authors = await session.execute(
        select(Status.id, Status.account_id).where(Status.id.in_(first))
    )
    mentioned = await session.execute(
        select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(first))
    )
    candidates: dict[int, list[int]] = {}
    for root, account in [*authors.all(), *mentioned.all()]:
        candidates.setdefault(root, []).append(account)
    everyone = {a for accounts in candidates.values() for a in accounts}
    teams = set(
        await session.scalars(
            select(AccountOperator.account_id).where(AccountOperator.account_id.in_(everyone))
        )
    )
    brand_of: dict[int, int] = {}
    for status_id, root in roots.items():
        brands = [a for a in candidates.get(root, []) if a in teams]
        if brands:
            brand_of[status_id] = brands[0]
    return brand_of


async def authors_of(session: AsyncSession, account_ids: Iterable[int]) -> dict[int, int]:
    """Pseudonym account -> its author, for those of ``account_ids`` that are pseudonyms."""
    wanted = set(account_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Pseudonym.account_id, Pseudonym.author_account_id).where(
            Pseudonym.account_id.in_(wanted)
        )
    )
    return {pseudonym: author for pseudonym, author in rows.all()}


async def policy_of(session: AsyncSession, account_id: int) -> str:
    mode = await session.scalar(
        select(AnonymityPolicy.mode).where(AnonymityPolicy.account_id == account_id)
    )
    return mode or "open"


async def group_mode(session: AsyncSession, group: Group) -> str:
    """A group's setting: its own choice (``open``, ``moderated``, ``off``), or, before it
    chose, ``allow_anonymous`` (off for a new group)."""
    mode = await session.scalar(
        select(AnonymityPolicy.mode).where(AnonymityPolicy.account_id == group.account_id)
    )
    if mode is not None:
        return mode
    return "open" if group.allow_anonymous else "off"


async def reveals(session: AsyncSession, limit: int = 40) -> list[AnonymousReveal]:
    """The reveal log, newest first (instance admins only: the API checks)."""
    rows = await session.scalars(
        select(AnonymousReveal).order_by(AnonymousReveal.id.desc()).limit(limit)
    )
    return list(rows)


async def brand_taking_questions(session: AsyncSession, username: str) -> Account | None:
    """The local brand (an account with a team) named ``username``, if it takes anonymous
    questions (its setting is not ``off``) and is not suspended."""
    brand = await session.scalar(
        select(Account).where(
            func.lower(Account.username) == username.lower(),
            Account.domain.is_(None),
            Account.suspended_at.is_(None),
        )
    )
    if brand is None:
        return None
    team = await session.scalar(
        select(AccountOperator.account_id).where(AccountOperator.account_id == brand.id).limit(1)
    )
    if team is None or await policy_of(session, brand.id) == "off":
        return None
    return brand


async def queue_of(
    session: AsyncSession, account_id: int, limit: int = 40
) -> list[AnonymousPending]:
    """The held anonymous posts a brand's staff (or a group's owners and moderators) decide
    on, oldest first."""
    rows = await session.scalars(
        select(AnonymousPending)
        .where(AnonymousPending.queue_account_id == account_id)
        .order_by(AnonymousPending.id)
        .limit(limit)
    )
    return list(rows)


async def pending_of(
    session: AsyncSession, author_id: int, limit: int = 40
) -> list[AnonymousPending]:
    """An author's own held posts, newest first (to them alone)."""
    rows = await session.scalars(
        select(AnonymousPending)
        .where(AnonymousPending.author_account_id == author_id)
        .order_by(AnonymousPending.id.desc())
        .limit(limit)
    )
    return list(rows)
