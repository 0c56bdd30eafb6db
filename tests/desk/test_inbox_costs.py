"""The inbox's reads cost a fixed number of statements, whatever the number of
conversations or items on the page (no per-row queries)."""

from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, Staff, brand_with_agent

LIST = 2
"""Warm (every account shown rendered in the status cache): the caller's role with the page,
its accounts' versions and whether the brand has SLA targets (1: it has none here; with
some, the targets, the page's clocks and the brand's business hours are three more), and the
test client's look for due jobs after the response (1). Accounts the cache lacks are one
read more. A cursor's page (``max_id``) costs the same: the named conversation's activity
time is read inside the page's statement."""
DETAIL = 2
"""Warm: the conversation with the caller's role, its latest items with their accounts'
versions and the items' statuses as page rows with the brand's marks (1), the look for due
jobs (1). What the desk's rules did is one more when they did something."""


async def _spent(services: Services, desk: Staff, path: str) -> int:
    """Statements of a warm read (the same read made once before, so renderings are cached)."""
    assert (await desk.get(path)).status_code == 200
    before = services.db.query_count
    response = await desk.get(path)
    assert response.status_code == 200, response.text
    return services.db.query_count - before


BASE_URL = "http://testserver.local"


async def test_a_page_and_a_conversation_cost_the_same_for_few_or_many(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    people = [await make.person(f"fan{n}") for n in range(6)]
    for person in people[:2]:
        await person.status("@cafe hello")
    await desk.get(BASE)  # token and caches warm
    few_list = await _spent(services, desk, BASE)
    cid = (await desk.conversations())[0]["id"]
    few_detail = await _spent(services, desk, f"{BASE}/{cid}")
    for person in people[2:]:
        await person.status("@cafe hello")
    for n in range(4):
        await people[0].status(f"@cafe more {n}")
    cid = (await desk.conversations())[0]["id"]
    many_list = await _spent(services, desk, BASE)
    many_detail = await _spent(services, desk, f"{BASE}/{cid}")
    first = await desk.get(BASE, params={"limit": "2"})
    later = first.headers["link"].split(";", 1)[0].strip("<>").removeprefix(BASE_URL)
    next_page = await _spent(services, desk, later)
    assert (few_list, many_list, next_page) == (LIST, LIST, LIST)
    assert (few_detail, many_detail) == (DETAIL, DETAIL)
