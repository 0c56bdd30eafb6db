"""The team sees which staff member wrote a brand's post; nobody else does (issue 16, item 1).

On the web a brand's post shows "by aino" (the staff member's display name, else username)
to the members of that brand's team only. Customers, anonymous readers, another brand's staff
and every API client see the brand alone: the property test draws who reads and checks every
page and API answer they get."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.accounts.operators import Role
from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import appoint, operate
from tests.support.world import Isolated, isolated
from tests.web.conftest import Browser, sign_in_as, text_of

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=4 if ON_PG else 8,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ROLES: tuple[Role | None, ...] = (None, "owner", "manager", "agent", "analyst")


async def _page(client: httpx.AsyncClient, path: str) -> str:
    response = await Browser(client).get(path)
    assert response.status_code == 200, (path, response.status_code)
    return text_of(response.text)


async def test_team_members_see_who_wrote_the_brands_reply_customers_do_not(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, aino, carol, customer = (
        await make.person("kahvila"),
        await make.person("aino"),
        await make.person("carol"),
        await make.person("asiakas"),
    )
    await appoint(services, brand, carol, "agent")
    question = await customer.status("@kahvila open on sunday?")
    headers = await operate(services, brand, aino, "manager")
    reply = await client.post(
        "/api/v1/statuses",
        json={"status": "@asiakas yes, 10-16", "in_reply_to_id": question["id"]},
        headers=headers,
    )
    assert reply.status_code == 200
    thread = f"/@kahvila/{reply.json()['id']}"

    await sign_in_as(services, client, carol)
    assert "by aino" in await _page(client, thread)
    assert "by aino" in await _page(client, "/@kahvila/with_replies")
    client.cookies.clear()
    await sign_in_as(services, client, brand)  # the brand's own login is its owner
    assert "by aino" in await _page(client, thread)
    client.cookies.clear()
    await sign_in_as(services, client, customer)
    assert "by aino" not in await _page(client, thread)
    client.cookies.clear()
    assert "by aino" not in await _page(client, thread)
    assert "aino" not in (await customer.get(f"/api/v1/statuses/{reply.json()['id']}")).text


async def _world(env: Isolated, role: Role | None, writer: Role) -> tuple[Person, str, Person]:
    brand = await env.make.person("kahvila")
    other_brand = await env.make.person("puoti")
    aino = await env.make.person("aino")
    reader = await env.make.person("reader")
    customer = await env.make.person("asiakas")
    await appoint(env.services, other_brand, reader, "manager")  # staff of another brand
    if role is not None:
        await appoint(env.services, brand, reader, role)
    question = await customer.status("@kahvila a question")
    headers = await operate(env.services, brand, aino, writer)
    posted = await env.client.post(
        "/api/v1/statuses",
        json={"status": "@asiakas an answer", "in_reply_to_id": question["id"]},
        headers=headers,
    )
    assert posted.status_code == 200, posted.text
    return reader, str(posted.json()["id"]), customer


async def _seen(
    env: Isolated, reader: Person, status_id: str, question_author: Person
) -> tuple[list[str], list[str], list[str]]:
    """What the reader's pages, the reader's and the customer's API answers, and anonymous
    pages show."""
    pages = [f"/@kahvila/{status_id}", "/@kahvila", "/@kahvila/with_replies", "/public/local"]
    await sign_in_as(env.services, env.client, reader)
    shown = [await _page(env.client, path) for path in pages]
    env.client.cookies.clear()
    api = [
        (await person.get(path)).text
        for person in (reader, question_author)
        for path in (
            f"/api/v1/statuses/{status_id}",
            f"/api/v1/statuses/{status_id}/context",
            "/api/v1/timelines/public",
            "/api/v1/notifications",
        )
    ]
    anonymous = [await _page(env.client, path) for path in pages]
    return shown, api, anonymous


def test_who_wrote_a_brand_post_reaches_the_brands_team_only(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(st.sampled_from(ROLES), st.sampled_from(("owner", "manager", "agent")))
        def prop(role: Role | None, writer: Role) -> None:
            async def go() -> None:
                await env.reset()
                env.client.cookies.clear()
                reader, status_id, customer = await _world(env, role, writer)
                shown, api, anonymous = await _seen(env, reader, status_id, customer)
                member_sees = "by aino" in shown[0] and "by aino" in shown[2]
                assert member_sees == (role is not None), (role, writer)
                assert all("by aino" not in page for page in anonymous)
                assert all("aino" not in body for body in api), (role, writer)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
