"""Impressions and reach of a post come only from readers allowed to see it, and the
analytics answers carry aggregates only: no reader's id or name, whatever the readers, their
follows and the post's visibility (a hypothesis property)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.analytics import impressions
from porina.core.clock import now

from ..support.world import Isolated, isolated

BASE = "/api/porina/v1/analytics"
ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=3 if ON_PG else 6,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Reader = tuple[bool, bool]
"""(signed in, follows the author)."""
CASES = st.tuples(
    st.sampled_from(["public", "unlisted", "private"]),
    st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=4),
)


async def _check(env: Isolated, visibility: str, readers: list[Reader]) -> None:
    author = await env.make.person("brand")
    post = await author.status("news", visibility=visibility)
    names: list[str] = []
    entitled_signed_in = entitled = 0
    impressions.BUFFER.take()
    for n, (signed_in, follows) in enumerate(readers):
        allowed = visibility != "private" or (signed_in and follows)
        headers: dict[str, str] = {}
        if signed_in:
            reader = await env.make.person(f"reader{n}")
            names += [reader.id, reader.username]
            if follows:
                await reader.follow(author)
            headers = reader.headers
        listed = await env.client.get(f"/api/v1/accounts/{author.id}/statuses", headers=headers)
        assert (post["id"] in {s["id"] for s in listed.json()}) == allowed
        single = await env.client.get(f"/api/v1/statuses/{post['id']}", headers=headers)
        assert single.status_code == (200 if allowed else 404)
        entitled += allowed
        entitled_signed_in += allowed and signed_in
    await impressions.flush(env.services.db)
    today = str(now().date())
    rows = await author.get(f"{BASE}/statuses", params={"from": today, "to": today})
    (row,) = rows.json()
    assert row["reach"] == entitled_signed_in
    assert row["impressions"] == 2 * entitled  # the profile page and the status itself
    answers = [rows.text]
    for path in ("overview", f"statuses/{post['id']}", "best_times"):
        answers.append((await author.get(f"{BASE}/{path}")).text)
    for dataset in ("statuses", "daily"):
        export = await author.get(f"{BASE}/export", params={"dataset": dataset})
        answers.append(export.text)
    for text in answers:
        assert not any(f'"{name}"' in text or f",{name}," in text for name in names)


def test_impressions_come_only_from_readers_allowed_to_see(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(CASES)
        def prop(case: tuple[str, list[Reader]]) -> None:
            async def go() -> None:
                await env.reset()
                await _check(env, *case)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
