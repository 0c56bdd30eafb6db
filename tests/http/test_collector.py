"""The cycle collector while the app serves (``app.startup_heap_frozen``): what was alive once
the app had started is left out of full collections (each walked ~390,000 startup objects
with the event loop stopped: 170-310 ms in process, set off by the status cache's churn),
what requests make is still collected, and a stopped app leaves nothing frozen."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient


class _Node:
    next: Any = None


def _in_collected_generations(target: object) -> bool:
    return any(any(o is target for o in gc.get_objects(g)) for g in range(3))


async def test_the_startup_heap_is_frozen_while_serving_and_cycles_are_still_collected(
    app: Litestar,
) -> None:
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
