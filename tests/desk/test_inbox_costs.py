"""The inbox's reads cost a fixed number of statements, whatever the number of
conversations or items on the page (no per-row queries)."""

from __future__ import annotations

from collections.abc import Awaitable

import httpx

from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, brand_with_agent

LIST = 6
"""The caller's role (the brand's own login, then the operator row: 2), the page (1), every
account shown in one read (1), the brand's SLA targets (1: it has none here; with some, the
page's clocks and the brand's business hours are two more), and the test client's look for
due jobs after the response (1)."""
DETAIL = 10
"""The role (2), the conversation with its assignee (1), its items (1), the accounts (1), the
statuses and the viewer's marks on them (2), the SLA targets (1), what the desk's rules did
(1), the look for due jobs (1)."""


async def _spent(services: Services, call: Awaitable[httpx.Response]) -> int:
    before = services.db.query_count
    response = await call
    assert response.status_code == 200, response.text
    return services.db.query_count - before


async def test_a_page_and_a_conversation_cost_the_same_for_few_or_many(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    people = [await make.person(f"fan{n}") for n in range(6)]
    for person in people[:2]:
        await person.status("@cafe hello")
    await desk.get(BASE)  # token and caches warm
    few_list = await _spent(services, desk.get(BASE))
    cid = (await desk.conversations())[0]["id"]
    few_detail = await _spent(services, desk.get(f"{BASE}/{cid}"))
    for person in people[2:]:
        await person.status("@cafe hello")
    for n in range(4):
        await people[0].status(f"@cafe more {n}")
    cid = (await desk.conversations())[0]["id"]
    many_list = await _spent(services, desk.get(BASE))
    many_detail = await _spent(services, desk.get(f"{BASE}/{cid}"))
    assert (few_list, many_list) == (LIST, LIST)
    assert (few_detail, many_detail) == (DETAIL, DETAIL)
