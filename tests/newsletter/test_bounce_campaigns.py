"""Bounces and campaigns (issue 19, point 5): a campaign's bounced count (each recipient
once), the webhook's campaign_id keeping a report to the campaign's brand, and the bounce rate
that pauses a sending campaign."""

from __future__ import annotations

import json

import pytest

from porina.newsletter import bounces_smtp
from porina.newsletter.bounces_campaigns import over_threshold
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory
from tests.support.smtp import HOST, SmtpServer, free_port, sending_to

from .bounce_support import bounce, brand, campaign, campaign_row, dsn, send, statuses
from .campaign_support import CAMPAIGNS, filled_list, manager_of, ok, show
from .campaign_support import campaign as new_campaign


async def test_the_bounced_count_counts_each_recipient_once(
    services: Services, make: Factory
) -> None:
    cafe = await brand(services, make, lists=1)
    aino, bea, cid = [await cafe.sign_up(make.client, f"{n}@example.com") for n in "abc"]
    sent = await campaign_row(services, cafe, sent=3)
    await bounce(services, aino, "soft", campaign_id=sent)
    await bounce(services, aino, "hard", campaign_id=sent)
    await bounce(services, bea, "soft", campaign_id=sent)
    await bounce(services, cid, "complaint", campaign_id=sent)
    await bounce(services, cid, "hard")  # about no campaign
    assert (await campaign(services, sent)).bounced == 2


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(
        settings,
        smtp,
        bounce_webhook_secret="s",
        newsletter_send_rate=0,
        bounce_pause_after=10,
        bounce_pause_percent=20,
    )


async def test_a_bounce_of_a_sent_campaign_reaches_its_count_through_the_receiver(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    """The whole way: the campaign's mail leaves with its VERP return path, the remote
    server's DSN comes back to that address, the campaign shows it."""
    manager = await manager_of(services, make)
    rows = [("aino@example.com", "Aino", "confirmed"), ("eero@example.com", "Eero", "confirmed")]
    list_id = await filled_list(manager, rows)
    created = await new_campaign(manager, [list_id])
    assert ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/send"))["state"] == "sending"
    await services.runner.drain()
    mail = next(m for m in smtp.messages if m.rcpt_tos == ["aino@example.com"])
    port = free_port()
    server = await bounces_smtp.listen(services.settings, services.db, HOST, port)
    try:
        await send(port, mail.mail_from, dsn(mail.mail_from, "failed", "5.1.1"))
    finally:
        server.close()
        await server.wait_closed()
    shown = await show(manager, created["id"])
    assert (shown["state"], shown["sent"], shown["bounced"]) == ("sent", 2, 1)
    assert set((await statuses(services, "aino@example.com")).values()) == {"blocklisted"}
    assert set((await statuses(services, "eero@example.com")).values()) == {"confirmed"}


async def test_a_sending_campaign_pauses_when_its_bounce_rate_passes_the_threshold(
    services: Services, make: Factory
) -> None:
    """Here 20 % of 10 sent (the settings above): the third recipient to bounce or complain
    pauses it; a campaign already sent stays sent."""
    cafe = await brand(services, make, lists=1)
    people = [await cafe.sign_up(make.client, f"{n}@example.com") for n in "abcd"]
    sending = await campaign_row(services, cafe, sent=10)
    done = await campaign_row(services, cafe, sent=10, state="sent")
    for person, kind in zip(people[:2], ("hard", "soft"), strict=True):
        await bounce(services, person, kind, campaign_id=sending)
        await bounce(services, person, kind, campaign_id=done)
    assert (await campaign(services, sending)).state == "sending"
    await bounce(services, people[2], "complaint", campaign_id=sending)
    await bounce(services, people[2], "complaint", campaign_id=done)
    paused = await campaign(services, sending)
    assert (paused.state, paused.bounced) == ("paused", 2)
    assert (await campaign(services, done)).state == "sent"
    await bounce(services, people[3], "hard", campaign_id=sending)  # already paused: no error
    assert (await campaign(services, sending)).state == "paused"


async def test_a_webhook_report_with_a_campaign_stays_on_the_campaigns_brand(
    services: Services, make: Factory
) -> None:
    cafe = await brand(services, make, lists=1)
    shop = await brand(services, make, "leipomo", lists=1)
    mine = await cafe.sign_up(make.client, "aino@example.com")
    theirs = await shop.sign_up(make.client, "aino@example.com")
    sent = await campaign_row(services, cafe, sent=10)
    body = {"email": "aino@example.com", "kind": "hard", "campaign_id": str(sent)}
    response = await make.client.post(
        "/api/porina/v1/newsletter/webhooks/bounces",
        content=json.dumps(body),
        headers={"X-Porina-Webhook-Secret": "s"},
    )
    assert response.json() == {"recorded": 1}
    assert await statuses(services, "aino@example.com") == {
        mine: "blocklisted",
        theirs: "confirmed",
    }
    assert (await campaign(services, sent)).bounced == 1


@pytest.mark.parametrize(
    ("sent", "problems", "pauses"),
    [(99, 50, False), (100, 5, False), (100, 6, True), (1000, 51, True), (1000, 50, False)],
)
def test_the_bounce_rate_rule(sent: int, problems: int, pauses: bool) -> None:
    """More than 5 % of what was sent, once 100 are sent (the defaults)."""
    assert over_threshold(Settings(), sent, problems) is pauses
    assert over_threshold(Settings(bounce_pause_percent=0), sent, problems) is False
