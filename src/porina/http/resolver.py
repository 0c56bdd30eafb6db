"""Name resolution for outbound requests: one lookup per connection, whose answers are checked
and then connected to (``backend.GuardedBackend``), so DNS rebinding has no second lookup to
slip through."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable, Mapping, Sequence
from ipaddress import ip_address
from typing import Protocol

from porina.http.addresses import IPAddress


class Resolver(Protocol):
    """Answers the addresses of a host name, in the order to try them."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]: ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo in a thread, as asyncio does it)."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        return _unique(ip_address(info[4][0]) for info in infos)


class StaticResolver:
    """Answers from a table, like a hosts file; unknown names have no address. For tests and
    local trials: ``StaticResolver({"social.example": ["10.0.0.1"]})``. ``lookups`` counts the
    questions asked, per name."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self._table = {
            name.lower(): [ip_address(a) for a in addrs] for name, addrs in table.items()
        }
        self.lookups: dict[str, int] = {}

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        name = host.lower()
        self.lookups[name] = self.lookups.get(name, 0) + 1
        return list(self._table.get(name, ()))


def _unique(addresses: Iterable[IPAddress]) -> list[IPAddress]:
    return list(dict.fromkeys(addresses))
