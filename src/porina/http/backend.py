"""The guarded connection: resolve once, check every answer, connect to a checked address.

``GuardedBackend`` is an httpcore network backend, the layer where httpx opens sockets. httpcore
hands it the URL's host and port; it resolves the host once (or takes the IP literal), refuses
the connection if any answer is a blocked address, then connects to the checked addresses in
order. TLS (SNI and certificate checks) and the Host header still use the URL's host name,
because httpcore starts TLS on the returned stream with the origin's host. No second lookup
happens anywhere, so a name that answers a public address to the check and a private one to
the connection (DNS rebinding) cannot reach the private one.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable, Sequence

import httpcore
import httpx

from porina.http.addresses import AddressPolicy, IPAddress, literal_address, unmapped
from porina.http.errors import BlockedAddress, ConnectFailed, OutboundTimeout
from porina.http.resolver import Resolver

SocketOptions = Iterable[httpcore.SOCKET_OPTION] | None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the policy allows; ``network`` opens the sockets."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._network = network or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: SocketOptions = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.checked_addresses(host, port, timeout)
        failure: httpcore.ConnectError | None = None
        for ip in addresses:
            try:
                return await self._network.connect_tcp(
                    str(unmapped(ip)), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or ConnectFailed(f"{host} has no address")

    async def checked_addresses(
        self, host: str, port: int, resolve_seconds: float | None
    ) -> Sequence[IPAddress]:
        """The addresses of ``host``, every one allowed; else BlockedAddress."""
        literal = literal_address(host)
        addresses = (
            [literal] if literal is not None else await self._resolve(host, port, resolve_seconds)
        )
        for ip in addresses:
            reason = self._policy.refusal(host, port, ip)
            if reason is not None:
                raise BlockedAddress(
                    f"{host} is at {ip}, which Porina does not connect to: {reason}",
                    details={"host": host, "address": str(ip), "reason": reason},
                )
        return addresses

    async def _resolve(self, host: str, port: int, seconds: float | None) -> Sequence[IPAddress]:
        try:
            async with asyncio.timeout(seconds):
                addresses = await self._resolver.resolve(host, port)
        except TimeoutError as exc:
            raise OutboundTimeout(f"resolving {host} took over {seconds} s") from exc
        except OSError as exc:
            raise ConnectFailed(f"{host} does not resolve: {exc}") from exc
        if not addresses:
            raise ConnectFailed(f"{host} has no address")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: SocketOptions = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("outbound requests do not use unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (request and response mapping, its exceptions) with its connection
    pool built on ``GuardedBackend``. httpx 0.28 has no public way to pass a network backend,
    so the pool it builds is replaced (``_pool``, the one attribute its methods use); httpx is
    pinned, and the tests fail if the backend is bypassed."""

    def __init__(
        self,
        backend: GuardedBackend,
        *,
        ssl_context: ssl.SSLContext | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        context = ssl_context or httpx.create_ssl_context(trust_env=False)
        pool_limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(verify=context, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=pool_limits.max_connections,
            max_keepalive_connections=pool_limits.max_keepalive_connections,
            keepalive_expiry=pool_limits.keepalive_expiry,
            network_backend=backend,
        )


def guarded_transport(
    policy: AddressPolicy,
    resolver: Resolver,
    *,
    network: httpcore.AsyncNetworkBackend | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> GuardedTransport:
    """The transport every production request goes through."""
    return GuardedTransport(GuardedBackend(policy, resolver, network), ssl_context=ssl_context)
