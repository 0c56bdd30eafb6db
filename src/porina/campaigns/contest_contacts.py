"""The contests section of a contact's page in the desk (``desk.contacts.register_section``,
registered by ``porina.services``): the brand's contests the person entered, with their
actions and tickets, and the ones they won (a current winner, not set aside by a re-draw).
Only the brand's staff read a contact's page, and they already see the person's actions on
the brand's posts, so the private ones are shown too; the pseudonym is named for matching the
published list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.campaigns import contests
from porina.campaigns.draw import normalise_acct, pseudonym
from porina.campaigns.models import Contest, ContestEntry

MAX_CONTESTS = 50


async def _local(session: AsyncSession, acct: str, account: Account | None) -> bool:
    """``acct`` names the local ``account`` (``username@`` this instance's domain): the user
    part is theirs and no remote account holds that handle."""
    user, _, domain = acct.rpartition("@")
    if account is None or account.domain is not None or user != account.username:
        return False
    remote = await session.scalar(
        select(Account.id).where(Account.username == user, Account.domain == domain)
    )
    return remote is None


async def section(session: AsyncSession, brand_id: int, contact_id: int) -> dict[str, Any] | None:
    rows = (
        await session.execute(
            select(Contest, ContestEntry.action)
            .join(ContestEntry, ContestEntry.contest_id == Contest.id)
            .where(Contest.brand_account_id == brand_id, ContestEntry.account_id == contact_id)
            .order_by(Contest.created_at.desc())
        )
    ).all()
    if not rows:
        return None
    account = await session.get(Account, contact_id)
    actions: dict[int, set[str]] = {}
    found: dict[int, Contest] = {}
    for contest, action in rows:
        found[contest.id] = contest
        actions.setdefault(contest.id, set()).add(action)
    items = []
    for contest_id in list(found)[:MAX_CONTESTS]:
        contest = found[contest_id]
        weights = contest.weights or {}
        names = {pseudonym(contest.pseudonym_key, contact_id)}
        if account is not None and account.domain:
            names.add(normalise_acct(f"{account.username}@{account.domain}"))
        winners = contests.current_winners(await contests.draws(session, contest_id))
        won = [acct for acct in winners if acct in names or await _local(session, acct, account)]
        items.append(
            {
                "contest_id": str(contest_id),
                "title": contest.title,
                "state": contest.state,
                "actions": sorted(actions[contest_id]),
                "tickets": sum(max(0, int(weights.get(a, 0))) for a in actions[contest_id]),
                "won": bool(won),
            }
        )
    return {"entries": items, "wins": sum(1 for i in items if i["won"])}
