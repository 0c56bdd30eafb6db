"""A campaign's results (issue 19, point 6): sent, bounced, complaints, unsubscribed and
clicks per campaign (``newsletter.results.campaign_results``, for the campaign API), and the
brand's figures in analytics (``GET /api/porina/v1/analytics/business``): the campaigns that
started in the period bring their mails, bounces and clicks."""

from __future__ import annotations

from datetime import timedelta

from porina.core.clock import now
from porina.newsletter import clicks, results
from porina.services import Services
from tests.factories import Factory

from .bounce_support import bounce, brand, campaign_row

BUSINESS = "/api/porina/v1/analytics/business"


async def click(make: Factory, services: Services, campaign_id: int, url: str) -> None:
    token = clicks.token(services.settings, campaign_id, url)
    response = await make.client.get(f"/newsletter/c/{token}", follow_redirects=False)
    assert response.status_code == 302


async def test_a_campaigns_results_and_the_brands_figures(
    services: Services, make: Factory
) -> None:
    cafe = await brand(services, make, lists=1)
    aino, bea = [await cafe.sign_up(make.client, f"{n}@example.com") for n in "ab"]
    today = await campaign_row(services, cafe, sent=40)
    last_week = await campaign_row(services, cafe, sent=7, started_at=now() - timedelta(days=8))
    await bounce(services, aino, "hard", campaign_id=today)
    await bounce(services, bea, "complaint", campaign_id=today)
    await bounce(services, bea, "soft", campaign_id=last_week)
    for url in ("https://kahvila.example/menu", "https://kahvila.example/menu", "https://x.fi/"):
        await click(make, services, today, url)
    await click(make, services, last_week, "https://kahvila.example/menu")

    async with services.db.read() as session:
        found = await results.campaign_results(session, today)
        assert await results.campaign_results(session, 1) is None
    assert found is not None
    assert (found.sent, found.bounced, found.complaints, found.clicks) == (40, 1, 1, 3)
    assert [(link.url, link.clicks) for link in found.links] == [
        ("https://kahvila.example/menu", 2),
        ("https://x.fi/", 1),
    ]

    owner = cafe.manager.brand
    day = str(now().date())
    response = await owner.client.get(
        BUSINESS,
        params={"from": day, "to": day},
        headers={"Authorization": f"Bearer {owner.token}"},
    )
    assert response.status_code == 200, response.text
    figures = response.json()["newsletter"]
    assert (figures["sent"], figures["bounced"], figures["clicks"]) == (40, 1, 3)
