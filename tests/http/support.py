"""Building outbound clients for tests: allow-listed local servers, a chosen resolver, and a
network backend that records every connection it opens (real sockets, through httpcore's
AnyIO backend)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import httpcore

from porina.http import (
    AddressPolicy,
    OutboundClient,
    OutboundLimits,
    Resolver,
    StaticResolver,
    guarded_transport,
)
from porina.http.addresses import IPAddress

from .server import LocalServer


@dataclass
class RecordingNetwork(httpcore.AsyncNetworkBackend):
    """Opens real connections and remembers each (address, port) it was asked for."""

    connects: list[tuple[str, int]] = field(default_factory=list)
    inner: httpcore.AsyncNetworkBackend = field(default_factory=httpcore.AnyIOBackend)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class AnswersInTurn:
    """A resolver whose answer changes with each lookup (the last one repeats): what a
    rebinding attacker's DNS server does."""

    def __init__(self, *answers: Sequence[str]) -> None:
        self._answers = [StaticResolver({"any": a}) for a in answers]
        self.lookups = 0

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        turn = self._answers[min(self.lookups, len(self._answers) - 1)]
        self.lookups += 1
        return await turn.resolve("any", port)


def localhost() -> StaticResolver:
    return StaticResolver({"localhost": ["127.0.0.1"]})


def client_for(
    *servers: LocalServer,
    resolver: Resolver | None = None,
    limits: OutboundLimits | None = None,
    network: RecordingNetwork | None = None,
) -> OutboundClient:
    """A client that may reach ``servers`` (as localhost:PORT) over http, and nothing else
    private; names resolve through ``resolver`` (localhost -> 127.0.0.1 by default)."""
    policy = AddressPolicy(frozenset(("localhost", s.port) for s in servers))
    transport = guarded_transport(policy, resolver or localhost(), network=network)
    return OutboundClient(
        user_agent="Porina/test", limits=limits, policy=policy, transport=transport
    )
