"""Running a property over random worlds: hypothesis settings, and one app per test whose
database is emptied before each example."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from ..support.world import isolated
from .build import AfterOp, Built, Plan, build, plans

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
IN_CI = os.environ.get("CI", "").lower() == "true"

# Small worlds, few examples: the suite stays fast on two cores. CI is derandomized so a
# failure there reproduces; PostgreSQL runs fewer examples (each one truncates every table).
PRIVACY = settings(
    max_examples=int(os.environ.get("PORINA_PRIVACY_EXAMPLES", "5" if ON_PG else "20")),
    deadline=None,
    derandomize=IN_CI,
    database=None if IN_CI else settings().database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

Check = Callable[[Built], Awaitable[None]]


def check_worlds(template: Path | str, *checks: Check, after_op: AfterOp | None = None) -> None:
    """Build random worlds through the API and run ``checks`` on each (and ``after_op``
    after every operation, with what it published to the streaming broker)."""
    loop = asyncio.new_event_loop()
    world = isolated(template)
    try:
        env = loop.run_until_complete(world.__aenter__())

        @PRIVACY
        @given(plans())
        def prop(plan: Plan) -> None:
            async def go() -> None:
                await env.reset()
                built = await build(env, plan, after_op)
                for check in checks:
                    await check(built)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world.__aexit__(None, None, None))
    finally:
        loop.close()
