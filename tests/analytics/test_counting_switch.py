"""``PORINA_ANALYTICS_IMPRESSIONS=false``: serving notes no impression and no profile visit,
so a timeline read by someone else leaves the author's figures at 0 (the bench compares the
home timeline with counting on and off)."""

from __future__ import annotations

import pytest

from porina.analytics import impressions
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from .test_overview import BASE, ok


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(analytics_impressions=False)


async def test_nothing_is_counted_with_counting_off(services: Services, make: Factory) -> None:
    cafe, emma = await make.person("cafe"), await make.person("emma")
    post = await cafe.status("today's special")
    impressions.BUFFER.take()
    await ok(emma, f"/api/v1/accounts/{cafe.id}/statuses")
    await ok(emma, "/api/v1/timelines/public")
    assert not impressions.BUFFER.take() and not impressions.BUFFER.take_visits()
    assert await impressions.flush(services.db) == 0
    body = await ok(cafe, f"{BASE}/statuses/{post['id']}")
    assert body["status"]["impressions"] == 0
