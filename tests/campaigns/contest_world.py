"""A small contest world for the review and page tests: a café brand with a manager and an
agent, a public contest post, and entrants.

Stopgap, said plainly: the contest actions (``campaigns.contests``/``entries``, another
engineer's) had not landed when these tests were written, so ``contest`` and ``enter`` write
the rows directly. Replace them with the actions' calls once those exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from porina.accounts.models import Account, User
from porina.campaigns import draw
from porina.campaigns.models import Contest, ContestDraw, ContestEntry
from porina.core.clock import now
from porina.core.ids import new_id
from porina.services import Services
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory, Person

WEIGHTS = {"favourite": 1, "reply": 2, "follow": 3}


@dataclass
class World:
    brand: Person
    manager: Staff
    agent: Staff
    contest_id: int
    entrants: list[Person]


async def contest(services: Services, brand: Person, status_id: str, **fields: Any) -> int:
    secret, moment = draw.new_secret(), now()
    row = Contest(
        id=new_id(),
        brand_account_id=brand.account.id,
        status_id=int(status_id),
        title=fields.get("title", "Joulukahvit"),
        prizes=fields.get("prizes", "A year of coffee"),
        starts_at=moment - timedelta(days=1),
        ends_at=moment + timedelta(days=7),
        winners=fields.get("winners", 1),
        weights=WEIGHTS,
        reply_must_contain=fields.get("reply_must_contain"),
        min_account_age_days=0,
        min_followers=0,
        secret=secret,
        pseudonym_key=draw.new_secret(),
        commitment=draw.commitment(secret),
        state=fields.get("state", "open"),
        created_at=moment,
    )
    async with services.db.transaction() as tx:
        tx.session.add(row)
    return row.id


async def enter(
    services: Services, contest_id: int, person: Person, action: str, private: bool = False
) -> None:
    async with services.db.transaction() as tx:
        tx.session.add(
            ContestEntry(
                id=new_id(),
                contest_id=contest_id,
                account_id=person.account.id,
                action=action,
                private=private,
                created_at=now(),
            )
        )


async def drawn(
    services: Services, contest_id: int, picks: list[tuple[str, int, str | None]]
) -> None:
    """Mark the contest drawn with ``(acct, counter, replaces)`` rows (re-draws have a reason)."""
    async with services.db.transaction() as tx:
        contest_row = await tx.session.get(Contest, contest_id)
        assert contest_row is not None
        contest_row.state, contest_row.entries = "drawn", "a@x\t1\nb@x\t1\n"
        for position, (acct, counter, replaces) in enumerate(picks):
            tx.session.add(
                ContestDraw(
                    id=new_id(),
                    contest_id=contest_id,
                    position=position,
                    acct=acct,
                    counter=counter,
                    replaces=replaces,
                    reason="prize unclaimed" if replaces else None,
                    created_at=now(),
                )
            )


async def age(services: Services, person: Person, days: int, email: str | None = None) -> None:
    """Make ``person``'s account ``days`` old, active, optionally with another e-mail."""
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == person.account.id)
            .values(created_at=now() - timedelta(days=days), statuses_count=5, followers_count=3)
        )
        if email is not None:
            await tx.session.execute(
                update(User).where(User.id == person.user.id).values(email=email)
            )


async def world(services: Services, make: Factory) -> World:
    """Four entrants: two old accounts sharing a Gmail address (written differently), one
    old and ordinary, one brand-new and empty."""
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    agent = await staff(services, make, brand, "kahvila_aino")
    post = await brand.status("Win a year of coffee!", visibility="public")
    contest_id = await contest(services, brand, post["id"])
    names = ("jodoe", "jdoe", "oliver", "newbie")
    entrants = [await make.person(n) for n in names]
    await age(services, entrants[0], 300, "Jo.Doe@gmail.com")
    await age(services, entrants[1], 200, "jodoe+kahvi@googlemail.com")
    await age(services, entrants[2], 100)
    for person in entrants:
        await enter(services, contest_id, person, "favourite")
    return World(brand, manager, agent, contest_id, entrants)
