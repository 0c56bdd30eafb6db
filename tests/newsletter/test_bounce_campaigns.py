"""Bounces and campaigns (issue 19, point 5): a campaign's bounced count (each recipient
once), the webhook's campaign_id keeping a report to the campaign's brand, and the bounce rate
that pauses a sending campaign."""

from __future__ import annotations

import json

import pytest

from porina.newsletter.bounces_campaigns import over_threshold
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory

from .bounce_support import bounce, brand, campaign, campaign_row, statuses


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
def settings(settings: Settings) -> Settings:
    return settings.with_(bounce_webhook_secret="s")


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
