"""Blocklisting after bounces and complaints (issue 19, point 5): a hard bounce or a
complaint blocklists the address on every list of the brand at once, the third soft bounce
does too; other brands' lists keep the address; a blocklisted address stays so when it signs
up again."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.services import Services
from tests.factories import Factory
from tests.support.world import isolated

from .bounce_support import bounce, brand, statuses


@pytest.mark.parametrize("kind", ["hard", "complaint"])
async def test_a_hard_bounce_or_complaint_blocklists_the_address_on_all_the_brands_lists(
    services: Services, make: Factory, kind: str
) -> None:
    cafe = await brand(services, make)
    other = await brand(services, make, "leipomo", lists=1)
    first = await cafe.sign_up(make.client, "aino@example.com", 0)
    second = await cafe.sign_up(make.client, "aino@example.com", 1)
    elsewhere = await other.sign_up(make.client, "aino@example.com")
    assert await bounce(services, first, kind, detail="5.1.1")
    assert await statuses(services, "aino@example.com") == {
        first: "blocklisted",
        second: "blocklisted",
        elsewhere: "confirmed",
    }
    # signing up again does not lift it, and still answers 202
    await cafe.sign_up(make.client, "aino@example.com", 0)
    assert (await statuses(services, "aino@example.com"))[first] == "blocklisted"


async def test_the_third_soft_bounce_blocklists(services: Services, make: Factory) -> None:
    cafe = await brand(services, make)
    one = await cafe.sign_up(make.client, "bea@example.com", 0)
    two = await cafe.sign_up(make.client, "bea@example.com", 1)
    await bounce(services, one, "soft")
    await bounce(services, two, "soft")
    assert set((await statuses(services, "bea@example.com")).values()) == {"confirmed"}
    await bounce(services, one, "soft")
    assert set((await statuses(services, "bea@example.com")).values()) == {"blocklisted"}


async def test_a_bounce_about_an_erased_subscriber_is_dropped(
    services: Services, make: Factory
) -> None:
    assert await bounce(services, 123456789, "hard") is False


ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=6 if ON_PG else 15,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
EVENTS = st.lists(
    st.tuples(st.integers(0, 1), st.sampled_from(["hard", "soft", "complaint"])),
    max_size=6,
)


def test_blocklisted_iff_one_hard_bounce_or_complaint_or_three_soft(template: Path | str) -> None:
    """Over any sequence of bounces on the address's two subscriptions to one brand: both are
    blocklisted exactly when there was a hard bounce or complaint, or three soft bounces in
    all; the same address on another brand's list is never touched."""
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    env = loop.run_until_complete(world_cm.__aenter__())
    try:
        cafe = loop.run_until_complete(brand(env.services, env.make))
        other = loop.run_until_complete(brand(env.services, env.make, "leipomo", lists=1))
        count = iter(range(10**6))

        @EXAMPLES
        @given(EVENTS)
        def prop(events: list[tuple[int, str]]) -> None:
            async def go() -> None:
                email = f"p{next(count)}@example.com"
                rows = [await cafe.sign_up(env.client, email, n) for n in (0, 1)]
                elsewhere = await other.sign_up(env.client, email)
                for which, kind in events:
                    await bounce(env.services, rows[which], kind)
                kinds = [k for _, k in events]
                expected = "hard" in kinds or "complaint" in kinds or kinds.count("soft") >= 3
                found = await statuses(env.services, email)
                state = "blocklisted" if expected else "confirmed"
                assert found == {rows[0]: state, rows[1]: state, elsewhere: "confirmed"}, events

            loop.run_until_complete(go())

        prop()
    finally:
        loop.run_until_complete(world_cm.__aexit__(None, None, None))
        loop.close()
