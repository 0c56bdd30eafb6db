"""DNS rebinding: the address checked is the address connected to. Each connection asks the
resolver once, every answer is checked, and the socket goes to a checked address while TLS and
the Host header still name the host."""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import pytest

from porina.http import AddressPolicy, BlockedAddress, OutboundClient, guarded_transport

from .server import LocalServer, answer
from .support import AnswersInTurn, RecordingNetwork, client_for


@pytest.mark.parametrize("answers", [["93.184.216.34", "10.0.0.1"], ["10.0.0.1", "93.184.216.34"]])
async def test_a_name_answering_a_public_and_a_private_address_is_refused_before_connecting(
    answers: list[str],
) -> None:
    network = RecordingNetwork()
    async with client_for(resolver=AnswersInTurn(answers), network=network) as client:
        with pytest.raises(BlockedAddress, match=r"10\.0\.0\.1"):
            await client.get("https://rebind.example/")
    assert network.connects == []


async def test_each_connection_looks_up_once_and_goes_to_the_address_it_checked() -> None:
    resolver = AnswersInTurn(["127.0.0.1"], ["10.0.0.1"])
    network = RecordingNetwork()
    async with (
        LocalServer({"/": answer(b"first")}) as server,
        client_for(server, resolver=resolver, network=network) as client,
    ):
        assert (await client.get(server.url())).text == "first"
        assert (resolver.lookups, network.connects) == (1, [("127.0.0.1", server.port)])
        # The server closed that connection; the next one asks again and is checked again.
        with pytest.raises(BlockedAddress, match=r"10\.0\.0\.1"):
            await client.get(server.url())
    assert resolver.lookups == 2
    assert network.connects == [("127.0.0.1", server.port)]
    assert len(server.requests) == 1


@dataclass
class Seen:
    connect: tuple[str, int] | None = None
    server_hostname: str | None = None
    sent: bytes = b""


class CannedStream(httpcore.AsyncMockStream):
    """Answers a canned response and remembers the TLS server name and the bytes sent."""

    def __init__(self, buffer: list[bytes], seen: Seen) -> None:
        super().__init__(buffer)
        self.seen = seen

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        self.seen.sent += buffer

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> httpcore.AsyncNetworkStream:
        self.seen.server_hostname = server_hostname
        return self


class CannedNetwork(httpcore.AsyncNetworkBackend):
    """Stands in for a public server a test cannot reach: records where it was asked to
    connect and answers 200 with a canned body."""

    def __init__(self) -> None:
        self.seen = Seen()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.seen.connect = (host, port)
        canned = [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", b"ok"]
        return CannedStream(canned, self.seen)


async def test_the_socket_goes_to_the_checked_ip_while_tls_and_host_name_the_host() -> None:
    resolver = AnswersInTurn(["93.184.216.34"], ["10.0.0.1"])
    network = CannedNetwork()
    transport = guarded_transport(AddressPolicy(), resolver, network=network)
    async with OutboundClient(user_agent="Porina/test", transport=transport) as client:
        response = await client.get("https://social.example/users/aino")
    assert (response.status, response.content) == (200, b"ok")
    assert network.seen.connect == ("93.184.216.34", 443)
    assert network.seen.server_hostname == "social.example"
    assert b"\r\nHost: social.example\r\n" in network.seen.sent
    assert resolver.lookups == 1
