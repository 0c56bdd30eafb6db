"""The newsletter and the brand's people: a contest's ``newsletter`` entry (issue 18) counts once
the subscription to the brand's list is confirmed — not on sign-up of a double opt-in list —
for the local account whose confirmed e-mail it is, and unsubscribing before the end takes it
back; the desk contact's page shows the person's state on each of the brand's lists (issue
16, point 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from porina.accounts.models import User
from porina.campaigns import contests
from porina.campaigns.models import ContestEntry
from porina.core.clock import now
from porina.newsletter import people
from porina.services import Services
from porina.settings import Settings
from tests.campaigns.contest_world import actor_of
from tests.desk.inbox_support import staff
from tests.factories import Factory
from tests.newsletter.test_newsletter import new_list, ok, path_of, sign_up
from tests.support.smtp import SmtpServer, sending_to


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, instance_title="Porina")


async def entries(services: Services, contest_id: int) -> list[tuple[int, str, bool]]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(ContestEntry).where(ContestEntry.contest_id == contest_id)
        )
        return [(r.account_id, r.action, r.private) for r in rows]


async def test_a_confirmed_subscription_enters_the_contest_and_shows_on_the_contact(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    brand, aino = await make.person("kahvila"), await make.person("aino")
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(User).where(User.id == aino.user.id).values(confirmed_at=now())
        )
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    listing = await new_list(manager)
    post = ok(await brand.post("/api/v1/statuses", json={"status": "Win coffee!"}))
    moment = now()
    data = {
        "status_id": post["id"],
        "title": "Joulukahvit",
        "prizes": "A year of coffee",
        "starts_at": (moment - timedelta(days=1)).isoformat(),
        "ends_at": (moment + timedelta(days=7)).isoformat(),
        "winners": 1,
        "weights": {"newsletter": 2},
    }
    async with services.db.transaction() as tx:
        contest_id = (await contests.create(tx, actor_of(brand), data)).id

    assert await sign_up(make.client, listing["id"], "AINO@example.com") == 202
    await services.runner.drain()
    assert await entries(services, contest_id) == []  # not before the address is confirmed
    async with services.db.read() as session:
        shown = await people.section(session, brand.account.id, aino.account.id)
    assert shown is not None and [(r["name"], r["status"]) for r in shown["lists"]] == [
        ("Kahvilan kirje", "unconfirmed")
    ]

    [mail] = smtp.messages
    await make.client.get(path_of(mail.link()))
    csrf = make.client.cookies.get("porina_csrf") or ""
    done = await make.client.post(path_of(mail.link()), data={"_csrf_token": csrf})
    assert done.status_code == 200
    assert await entries(services, contest_id) == [(aino.account.id, "newsletter", True)]
    async with services.db.read() as session:
        shown = await people.section(session, brand.account.id, aino.account.id)
        other = await people.section(session, aino.account.id, brand.account.id)
    assert shown is not None and shown["lists"][0]["status"] == "confirmed"
    assert other is None  # nothing about another brand's lists

    token = mail.link().rsplit("/", 1)[1]
    gone = await make.client.post(f"/newsletter/unsubscribe/{token}", data={"_csrf_token": csrf})
    assert gone.status_code == 200
    assert await entries(services, contest_id) == []
