"""A small contest world for the review and page tests: a café brand with a manager and an
agent, a public contest post, and entrants who entered by their own actions (a favourite, a
reply, a follow), as in real use: ``contest`` calls ``campaigns.contests.create`` and
``enter`` the action whose event the contest's entries subscriber counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from porina.accounts.graph import follow
from porina.accounts.models import Account, User
from porina.campaigns import contests
from porina.campaigns.models import Contest
from porina.core.actor import Actor
from porina.core.clock import now
from porina.interactions import actions as interactions
from porina.posts.actions import NewStatus, create_status
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


def actor_of(person: Person) -> Actor:
    return Actor(person.account.id, person.user.id)


async def contest(services: Services, brand: Person, status_id: str, **fields: Any) -> int:
    """A contest on ``status_id`` opened by the brand's owner, running since yesterday (or
    ``starts_at``)."""
    moment = now()
    data = {
        "status_id": status_id,
        "title": fields.get("title", "Joulukahvit"),
        "prizes": fields.get("prizes", "A year of coffee"),
        "starts_at": fields.get("starts_at", (moment - timedelta(days=1)).isoformat()),
        "ends_at": (moment + timedelta(days=7)).isoformat(),
        "winners": fields.get("winners", 1),
        "weights": WEIGHTS,
        "reply_must_contain": fields.get("reply_must_contain"),
    }
    async with services.db.transaction() as tx:
        return (await contests.create(tx, actor_of(brand), data)).id


async def enter(
    services: Services, contest_id: int, person: Person, action: str, private: bool = False
) -> None:
    """``person`` takes part by ``action`` (favourite, reply, follow); a ``private`` reply is
    followers-only."""
    async with services.db.transaction() as tx:
        row = await tx.session.get(Contest, contest_id)
        assert row is not None
        who = actor_of(person)
        if action == "favourite":
            await interactions.favourite(tx, who, row.status_id)
        elif action == "reply":
            visibility = "private" if private else "public"
            reply = NewStatus(
                text="Count me in!", in_reply_to_id=row.status_id, visibility=visibility
            )
            await create_status(tx, who, reply)
        elif action == "follow":
            await follow(tx, who, row.brand_account_id)
        else:
            raise ValueError(f"no entry action {action!r} here")


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
