"""Running a property over random worlds: hypothesis settings and one fresh app per example."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from ..support.world import isolated
from .build import Built, Plan, build, plans

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
IN_CI = os.environ.get("CI", "").lower() == "true"

# Small worlds, few examples: the suite stays fast on two cores. CI is derandomized so a
# failure there reproduces; PostgreSQL runs fewer examples (each one truncates the database).
PRIVACY = settings(
    max_examples=int(os.environ.get("PORINA_PRIVACY_EXAMPLES", "8" if ON_PG else "25")),
    deadline=None,
    derandomize=IN_CI,
    database=None if IN_CI else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

Check = Callable[[Built], Awaitable[None]]


def check_worlds(template: Path | str, *checks: Check) -> None:
    """Build random worlds through the API and run ``checks`` on each."""

    @PRIVACY
    @given(plans())
    def prop(plan: Plan) -> None:
        async def go() -> None:
            async with isolated(template) as env:
                built = await build(env, plan)
                for check in checks:
                    await check(built)

        asyncio.run(go())

    prop()
