"""What a contest's public pages show (``/contests/:id``, ``/contests/:id/rules``): read-only.

A contest is public when its post is (public or unlisted, not deleted); otherwise, and for a
contest that does not exist, ``contest_view`` returns None (the page answers 404). Nothing
here reads the secret before the draw, the pseudonym key, e-mails or review flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.campaigns.draw import pseudonym
from porina.campaigns.models import Contest, ContestDraw, ContestEntry
from porina.posts.models import Status

PUBLIC = ("public", "unlisted")


@dataclass(frozen=True, slots=True)
class DrawnRow:
    position: int
    acct: str
    counter: int
    replaces: str | None
    reason: str | None
    at: datetime
    claim_by: datetime | None = None
    claimed_at: datetime | None = None
    account_id: int | None = None
    """Server-side only (is the reader this winner?); never rendered or serialised."""


@dataclass(slots=True)
class ContestView:
    contest: Contest
    brand: Account
    status: Status
    entrants: int
    winners: list[DrawnRow] = field(default_factory=list)
    redraws: list[DrawnRow] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        return self.contest.state == "drawn"

    @property
    def current(self) -> list[DrawnRow]:
        """The winners now (drawn, or drawn instead of someone set aside), in draw order."""
        aside = {r.replaces for r in self.redraws}
        drawn = sorted(self.winners + self.redraws, key=lambda r: r.position)
        return [r for r in drawn if r.acct not in aside]


async def _entrants(session: AsyncSession, contest: Contest) -> int:
    if contest.entries is not None:
        return contest.entries.count("\n")
    count = await session.scalar(
        select(func.count(func.distinct(ContestEntry.account_id))).where(
            ContestEntry.contest_id == contest.id
        )
    )
    return int(count or 0)


async def _draws(session: AsyncSession, contest_id: int) -> list[DrawnRow]:
    rows = await session.scalars(
        select(ContestDraw)
        .where(ContestDraw.contest_id == contest_id)
        .order_by(ContestDraw.position)
    )
    return [
        DrawnRow(
            r.position,
            r.acct,
            r.counter,
            r.replaces,
            r.reason,
            r.created_at,
            r.claim_by,
            r.claimed_at,
            r.account_id,
        )
        for r in rows
    ]


async def contest_view(session: AsyncSession, contest_id: int) -> ContestView | None:
    contest = await session.get(Contest, contest_id)
    if contest is None:
        return None
    status = await session.get(Status, contest.status_id)
    brand = await session.get(Account, contest.brand_account_id)
    if status is None or brand is None or status.deleted_at is not None:
        return None
    if status.visibility not in PUBLIC:
        return None
    view = ContestView(contest, brand, status, await _entrants(session, contest))
    if view.drawn:
        draws = await _draws(session, contest.id)
        view.winners = [d for d in draws if d.replaces is None]
        view.redraws = [d for d in draws if d.replaces is not None]
    return view


@dataclass(frozen=True, slots=True)
class MyEntry:
    """How the reader takes part: the name the entries file lists them under, their tickets."""

    listed_as: str
    tickets: int
    pseudonymous: bool


async def my_entry(
    session: AsyncSession, contest: Contest, account_id: int, acct: str
) -> MyEntry | None:
    """The reader's own entry, shown only to them: an entrant who took part only by private
    actions learns the pseudonym the published list will show (docs/draws.md, Pseudonyms)."""
    rows = (
        await session.execute(
            select(ContestEntry.action, ContestEntry.private).where(
                ContestEntry.contest_id == contest.id, ContestEntry.account_id == account_id
            )
        )
    ).all()
    if not rows:
        return None
    actions = {action for action, _ in rows}
    hidden = all(private for _, private in rows)
    weights = contest.weights or {}
    tickets = sum(max(0, int(weights.get(action, 0))) for action in actions)
    name = pseudonym(contest.pseudonym_key, account_id) if hidden else acct
    return MyEntry(name, tickets, hidden)
