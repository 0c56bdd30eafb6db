"""The dashboards' new read surfaces (top hashtags in the API and on /analytics, the chart
files) show an account only its own published posts: never a direct message's or a deleted
post's hashtags, never to anyone outside the account's team (a hypothesis property)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.core.clock import now

from ..support.world import Isolated, isolated
from .conftest import Browser, sign_in_as

BASE = "/api/porina/v1/analytics"
ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=3 if ON_PG else 6,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Post = tuple[str, bool, int]
"""(visibility, deleted, which hashtag)."""
CASES = st.lists(
    st.tuples(
        st.sampled_from(["public", "unlisted", "private", "direct"]),
        st.booleans(),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=1,
    max_size=5,
)


async def _check(env: Isolated, posts: list[Post]) -> None:
    brand = await env.make.person("brand")
    await env.make.person("friend")
    stranger = await env.make.person("stranger")
    shown: set[str] = set()
    for n, (visibility, deleted, tag) in enumerate(posts):
        name = f"tag{tag}x{n}"
        text = f"@friend #{name}" if visibility == "direct" else f"#{name}"
        status = await brand.status(text, visibility=visibility)
        if deleted:
            await brand.delete(f"/api/v1/statuses/{status['id']}")
        elif visibility != "direct":
            shown.add(name)
    today = str(now().date())
    listed = await brand.get(f"{BASE}/hashtags", params={"from": today, "limit": "40"})
    assert {t["name"] for t in listed.json()} == shown
    theirs = await stranger.get(f"{BASE}/hashtags", params={"account_id": str(brand.id)})
    assert theirs.status_code == 404
    own = await stranger.get(f"{BASE}/hashtags")
    assert own.json() == []
    await sign_in_as(env.services, env.client, brand)
    page = (await Browser(env.client).get("/analytics?days=7")).text
    for n, (_visibility, _deleted, tag) in enumerate(posts):
        name = f"tag{tag}x{n}"
        assert (f"#{name}<" in page) == (name in shown)
    await sign_in_as(env.services, env.client, stranger)
    browser = Browser(env.client)
    assert (await browser.get(f"/analytics?account_id={brand.id}")).status_code == 404
    chart = await browser.get(f"/analytics/charts/hashtags.svg?account_id={brand.id}")
    assert chart.status_code == 404


def test_hashtags_show_only_the_accounts_own_published_posts(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(CASES)
        def prop(posts: list[Post]) -> None:
            async def go() -> None:
                await env.reset()
                await _check(env, posts)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
