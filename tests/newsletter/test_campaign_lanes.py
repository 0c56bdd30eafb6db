"""Sending a campaign in several lanes at once (``PORINA_NEWSLETTER_CONCURRENCY``) and with
``PORINA_MAIL=outbox`` (the messages go into the mail outbox and count as sent)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from porina.core.actor import Actor
from porina.mail.models import MailMessage
from porina.newsletter import campaigns, campaigns_delivery, subscriptions
from porina.newsletter.campaigns_models import NewsletterSend
from porina.newsletter.models import NewsletterSubscriber
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory
from tests.newsletter.campaign_support import CAMPAIGNS, campaign, filled_list, manager_of, ok, show
from tests.support.smtp import SmtpServer, sending_to

PEOPLE = [(f"p{i}@example.com", f"P{i}", "confirmed") for i in range(23)]


async def _send_states(services: Services, campaign_id: str) -> Counter[str]:
    async with services.db.read() as session:
        found = await session.scalars(
            select(NewsletterSend.state).where(NewsletterSend.campaign_id == int(campaign_id))
        )
        return Counter(found)


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Over SMTP in ``param`` lanes when a test asks; else the tests' default, the outbox."""
    lanes = getattr(request, "param", None)
    if lanes is None:
        return settings
    smtp: SmtpServer = request.getfixturevalue("smtp")
    return sending_to(settings, smtp, newsletter_concurrency=lanes, newsletter_send_rate=0)


@pytest.mark.parametrize("settings", [3], indirect=True)
async def test_several_lanes_send_every_recipient_exactly_once(
    services: Services, make: Factory, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaigns_delivery, "BATCH", 4)
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE)
    created = await campaign(manager, [listing])
    ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/send"))
    await services.runner.drain()
    received = Counter(m.rcpt_tos[0] for m in smtp.messages)
    assert received == Counter(email for email, _name, _state in PEOPLE)
    done = await show(manager, created["id"])
    assert (done["state"], done["sent"], done["duplicates"], done["pending"]) == ("sent", 23, 0, 0)
    assert await _send_states(services, created["id"]) == {"sent": 23}


async def test_in_outbox_mode_a_campaign_completes_into_the_outbox(
    services: Services, make: Factory
) -> None:
    assert services.settings.mail == "outbox"
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:3])
    created = await campaign(manager, [listing])
    ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/send"))
    await services.runner.drain()
    done = await show(manager, created["id"])
    assert (done["state"], done["sent"], done["pending"]) == ("sent", 3, 0)
    assert await _send_states(services, created["id"]) == {"sent": 3}
    async with services.db.read() as session:
        kept = list(
            await session.scalars(
                select(MailMessage).where(MailMessage.kind == campaigns_delivery.KIND)
            )
        )
    assert sorted(m.to_address for m in kept) == [e for e, _n, _s in PEOPLE[:3]]
    assert {m.state for m in kept} == {"held"}
    first = next(m for m in kept if m.to_address == "p0@example.com")
    assert first.subject == "Hei P0!" and "Hei P0." in first.text_body
    assert "<h1>Uutta</h1>" in first.html_body
    assert first.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("settings", [1], indirect=True)
async def test_a_batch_of_only_unsubscribed_addresses_does_not_end_the_campaign(
    services: Services, make: Factory, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaigns_delivery, "BATCH", 2)
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:6])
    created = await campaign(manager, [listing])
    actor = Actor(account_id=manager.brand.account.id, user_id=manager.person.user.id)
    async with services.db.transaction() as tx:
        await campaigns.send_now(tx, actor, int(created["id"]))
        tokens = list(
            await tx.session.scalars(
                select(NewsletterSubscriber.token).order_by(NewsletterSubscriber.id).limit(5)
            )
        )
    for token in tokens:  # the first five leave after the start, before the sender's turn
        async with services.db.transaction() as tx:
            await subscriptions.unsubscribe(tx, token, "page")
    await services.runner.drain()
    assert [m.rcpt_tos[0] for m in smtp.messages] == ["p5@example.com"]
    done = await show(manager, created["id"])
    assert (done["state"], done["sent"], done["pending"]) == ("sent", 1, 0)
    assert await _send_states(services, created["id"]) == {"skipped": 5, "sent": 1}
