"""The hub's worker survives a database or broker failure in delivery (logged, the next
batch still delivered), and a bug in delivery is logged with its traceback, not swallowed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from porina.storage.broker import MemoryBroker
from porina.streaming.hub import Arrival, Hub


async def _settle() -> None:
    for _ in range(50):  # turns of the loop, not time: the pump and the worker run
        await asyncio.sleep(0)


async def _hub(failure: BaseException) -> tuple[Hub, MemoryBroker, list[dict[str, Any]]]:
    broker = MemoryBroker()
    delivered: list[dict[str, Any]] = []

    async def handle(batch: list[Arrival]) -> None:
        if any(a.message.get("fail") for a in batch):
            raise failure
        delivered.extend(a.message for a in batch)

    hub = Hub(broker, handle)
    hub.join("timeline:public", "reader")
    await _settle()
    return hub, broker, delivered


@pytest.mark.parametrize("failure", [OSError("connection reset"), TypeError("a bug")])
async def test_a_failed_delivery_is_logged_and_later_events_still_arrive(
    failure: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    hub, broker, delivered = await _hub(failure)
    with caplog.at_level(logging.ERROR, logger="porina.streaming.hub"):
        await broker.publish("timeline:public", {"fail": True})
        await _settle()
        await broker.publish("timeline:public", {"event": "update", "n": 1})
        await _settle()
    hub.close()
    assert delivered == [{"event": "update", "n": 1}]
    failures = [r for r in caplog.records if r.exc_info is not None]
    assert [r.exc_info[1] for r in failures if r.exc_info] == [failure]
