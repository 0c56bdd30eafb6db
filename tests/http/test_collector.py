"""The cycle collector while the app serves (``app.startup_heap_frozen``): what was alive once
the app had started is left out of full collections (each walked ~390,000 startup objects
with the event loop stopped: 170-310 ms in process, set off by the status cache's churn),
what requests make is still collected, and a stopped app leaves nothing frozen. Only the
serving process's app freezes (``create_app(freeze_heap=True)``, as ``app_from_env``): an app
built as the tests and scripts build them, one after another in one process, does not, or
each start would freeze the earlier apps' uncollected cycles for good."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from porina.app import SERVING_THRESHOLDS, create_app
from porina.services import Services


class _Node:
    next: Any = None


def _in_collected_generations(target: object) -> bool:
    return any(any(o is target for o in gc.get_objects(g)) for g in range(3))


async def test_the_startup_heap_is_frozen_while_serving_and_cycles_are_still_collected(
    services: Services,
) -> None:
    app = create_app(services=services, freeze_heap=True)
    handler = app.routes[0]
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        assert (await client.get("/health")).status_code == 200
        assert gc.get_freeze_count() > 0
        assert not _in_collected_generations(handler)  # a full collection skips it
        cycle = _Node()
        cycle.next = cycle
        gone = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert gone() is None  # made while serving: collected
    assert gc.get_freeze_count() == 0
    assert _in_collected_generations(handler)


async def test_while_serving_collections_are_rarer_and_still_free_cycles(
    services: Services,
) -> None:
    """A young collection every 10,000 allocations, not 700 (full ones set off by the churn
    of 1,000 streams stopped the loop for 60-130 ms every 1.4 s); a cycle dropped while
    serving is still freed by the next one, with no explicit ``gc.collect``, and a stopped
    app puts Python's thresholds back."""
    before = gc.get_threshold()
    app = create_app(services=services, freeze_heap=True)
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        assert (await client.get("/health")).status_code == 200
        assert gc.get_threshold() == SERVING_THRESHOLDS
        cycle = _Node()
        cycle.next = cycle
        gone = weakref.ref(cycle)
        del cycle
        kept = [[] for _ in range(SERVING_THRESHOLDS[0] * 2)]  # enough allocations
        assert gone() is None
        del kept
    assert gc.get_threshold() == before


async def test_an_app_built_as_tests_build_them_freezes_nothing(app: Litestar) -> None:
    """The earlier app's cycle (what a finished test leaves) is collected while the next app
    serves: nothing froze it."""
    earlier = _Node()
    earlier.next = earlier
    gone = weakref.ref(earlier)
    del earlier
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        assert (await client.get("/health")).status_code == 200
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert gone() is None
