"""Helpers for the calls' tests: what the broker carried, and the API's two endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from porina.services import Services

CALLS = "/api/porina/v1/calls"
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
}


@dataclass
class Recorder:
    """Every message published on the broker, by channel, from the moment it is installed."""

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def on(self, channel: str) -> list[dict[str, Any]]:
        return [m for c, m in self.sent if c == channel]

    def calls(self, account_id: str | int) -> list[dict[str, Any]]:
        """The ``porina.call`` payloads published on the account's user stream."""
        return [
            json.loads(m["payload"])
            for m in self.on(f"user:{account_id}")
            if m.get("event") == "porina.call"
        ]

    def clear(self) -> None:
        self.sent.clear()


def record(services: Services) -> Recorder:
    recorder = Recorder()
    broker: Any = services.broker
    publish, publish_many = broker.publish, broker.publish_many

    async def one(channel: str, message: dict[str, Any]) -> None:
        recorder.sent.append((channel, message))
        await publish(channel, message)

    async def many(channels: Iterable[str], message: dict[str, Any]) -> None:
        names = list(channels)
        recorder.sent.extend((c, message) for c in names)
        await publish_many(names, message)

    broker.publish, broker.publish_many = one, many
    return recorder


async def ring(who: Any, **body: Any) -> httpx.Response:
    response: httpx.Response = await who.post(CALLS, json=body)
    return response


async def signal(who: Any, call_id: str, kind: str, data: Any = None) -> httpx.Response:
    body: dict[str, Any] = {"type": kind}
    if data is not None:
        body["data"] = data
    response: httpx.Response = await who.post(f"{CALLS}/{call_id}/signal", json=body)
    return response


def offer() -> dict[str, str]:
    return {"type": "offer", "sdp": SDP}


def answer() -> dict[str, str]:
    return {"type": "answer", "sdp": SDP}
