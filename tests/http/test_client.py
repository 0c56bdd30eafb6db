"""The outbound client against real HTTP servers on 127.0.0.1: what it reaches, what it
refuses, and how it follows redirects."""

from __future__ import annotations

import pytest

from porina import __version__
from porina.http import (
    BadResponse,
    BadScheme,
    BadUrl,
    BlockedAddress,
    ConnectFailed,
    StaticResolver,
    TooManyRedirects,
    build_outbound,
)
from porina.settings import Settings

from .server import Exchange, Handler, LocalServer, answer, redirect
from .support import RecordingNetwork, client_for


async def test_allow_listed_host_is_reached_with_porina_user_agent_and_its_own_host_name(
    settings: Settings,
) -> None:
    async with LocalServer({"/hello": answer(b"hei", headers={"Set-Cookie": "a=1"})}) as server:
        configured = settings.with_(
            federation_allow_http_hosts=server.hostport, base_url="https://porina.example"
        )
        async with build_outbound(configured) as client:  # the system resolver
            first = await client.get(server.url("/hello"))
            await client.get(server.url("/hello"))
    assert (first.status, first.text, first.url) == (200, "hei", server.url("/hello"))
    seen = server.requests[0].headers
    assert seen["host"] == server.hostport
    assert seen["user-agent"] == f"Porina/{__version__} (+https://porina.example)"
    assert "cookie" not in server.requests[1].headers


async def test_same_host_on_a_port_not_allow_listed_is_refused_and_never_contacted() -> None:
    async with LocalServer({}) as allowed, LocalServer({"/": answer(b"secret")}) as other:
        network = RecordingNetwork()
        async with client_for(allowed, network=network) as client:
            with pytest.raises(BadScheme):
                await client.get(other.url())
            with pytest.raises(BlockedAddress):
                await client.get(other.url(scheme="https"))
            with pytest.raises(BadScheme):  # the entry is localhost:PORT, not 127.0.0.1:PORT
                await client.get(allowed.url(host="127.0.0.1"))
    assert other.requests == []
    assert network.connects == []


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "fd00::1",
        "fe80::1",
        "224.0.0.1",
    ],
)
async def test_a_name_resolving_to_an_internal_address_is_refused_before_any_connection(
    address: str,
) -> None:
    resolver = StaticResolver({"internal.example": [address]})
    network = RecordingNetwork()
    async with client_for(resolver=resolver, network=network) as client:
        with pytest.raises(BlockedAddress) as refused:
            await client.get("https://internal.example/latest/meta-data/")
    assert refused.value.code == "blocked_address"
    assert resolver.lookups == {"internal.example": 1}
    assert network.connects == []


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:127.0.0.1]:8000/",
        "https://[::1]/",
        "https://10.1.2.3/",
        "https://[fd12::1]/",
        "https://0.0.0.0/",
    ],
)
async def test_an_internal_ip_literal_is_refused_without_resolving(url: str) -> None:
    resolver = StaticResolver({})
    async with client_for(resolver=resolver) as client:
        with pytest.raises(BlockedAddress):
            await client.get(url)
    assert resolver.lookups == {}


@pytest.mark.parametrize("url", ["https://2130706433/", "https://0x7f.1/", "https://127.1/"])
async def test_numeric_host_spellings_of_loopback_are_refused_after_the_systems_lookup(
    url: str, settings: Settings
) -> None:
    async with build_outbound(settings) as client:
        with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"):
            await client.get(url)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("file:///etc/passwd", BadScheme),
        ("ftp://files.example/x", BadScheme),
        ("gopher://localhost:70/", BadScheme),
        ("http://social.example/", BadScheme),
        ("https:///no-host", BadUrl),
        ("https://[::1/", BadUrl),
    ],
)
async def test_only_https_urls_with_a_host_are_fetched(url: str, error: type[Exception]) -> None:
    async with client_for() as client:
        with pytest.raises(error):
            await client.get(url)


@pytest.mark.parametrize(
    "location",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://internal.example/",
        "http://[::ffff:10.0.0.1]/",
        "file:///etc/passwd",
        "OTHER",
    ],
)
async def test_a_redirect_from_an_allowed_server_to_a_refused_address_is_refused(
    location: str,
) -> None:
    async with LocalServer({"/": answer(b"private")}) as other:
        target = other.url() if location == "OTHER" else location
        async with LocalServer({"/go": redirect(target)}) as allowed:
            resolver = StaticResolver(
                {"localhost": ["127.0.0.1"], "internal.example": ["10.0.0.1"]}
            )
            async with client_for(allowed, resolver=resolver) as client:
                with pytest.raises((BlockedAddress, BadScheme)):
                    await client.get(allowed.url("/go"))
    assert [r.path for r in allowed.requests] == ["/go"]
    assert other.requests == []


async def test_redirects_reach_the_next_allowed_server_without_carrying_credentials() -> None:
    async with LocalServer({"/two": answer(b'{"ok": true}')}) as second:
        first_server = LocalServer({"/one": redirect(second.url("/two"), 301)})
        async with first_server as first, client_for(first, second) as client:
            response = await client.get(
                first.url("/one"), headers={"Authorization": "Bearer t", "Accept": "a/b"}
            )
    assert (response.url, response.json()) == (second.url("/two"), {"ok": True})
    assert first.requests[0].headers["authorization"] == "Bearer t"
    assert "authorization" not in second.requests[0].headers
    assert second.requests[0].headers["accept"] == "a/b"


def _chain(length: int) -> dict[str, Handler]:
    hops: dict[str, Handler] = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(length)}
    hops[f"/r{length}"] = answer(b"end")
    return hops


async def test_five_redirects_are_followed_and_a_sixth_is_refused() -> None:
    async with (
        LocalServer(_chain(5)) as five,
        LocalServer(_chain(6)) as six,
        client_for(five, six) as client,
    ):
        assert (await client.get(five.url("/r0"))).text == "end"
        with pytest.raises(TooManyRedirects):
            await client.get(six.url("/r0"))
    assert len(five.requests) == 6
    assert len(six.requests) == 6  # the sixth redirect is never followed


async def test_post_becomes_get_after_303_and_keeps_its_body_after_307() -> None:
    routes = {"/see": redirect("/done", 303), "/keep": redirect("/done", 307), "/done": answer()}
    async with LocalServer(routes) as server, client_for(server) as client:
        await client.post(server.url("/see"), content=b"{}", headers={"Content-Type": "a/b"})
        await client.post(server.url("/keep"), content=b"{}", headers={"Content-Type": "a/b"})
    done = [r for r in server.requests if r.path == "/done"]
    assert [(r.method, r.body, r.headers.get("content-type")) for r in done] == [
        ("GET", b"", None),
        ("POST", b"{}", "a/b"),
    ]


async def test_error_statuses_are_answers_and_bad_json_is_a_bad_response() -> None:
    async with LocalServer({"/gone": answer(b"<html>", 410)}) as server, client_for(server) as c:
        gone = await c.get(server.url("/gone"))
    assert (gone.status, gone.ok) == (410, False)
    with pytest.raises(BadResponse):
        gone.json()


async def test_a_closed_port_or_a_name_without_address_is_connect_failed() -> None:
    async with LocalServer({}) as server:
        port_in_use_then_closed = server.port
    resolver = StaticResolver({"localhost": ["127.0.0.1"]})
    async with client_for(server, resolver=resolver) as client:
        with pytest.raises(ConnectFailed):
            await client.get(f"http://localhost:{port_in_use_then_closed}/")
        with pytest.raises(ConnectFailed, match="no address"):
            await client.get("https://nowhere.example/")


async def test_the_first_address_refusing_connections_falls_back_to_the_next() -> None:
    async def hello(exchange: Exchange) -> None:
        await exchange.respond(body=b"via the second address")

    async with LocalServer({"/": hello}) as server:
        resolver = StaticResolver({"localhost": ["::1", "127.0.0.1"]})
        network = RecordingNetwork()
        async with client_for(server, resolver=resolver, network=network) as client:
            assert (await client.get(server.url())).text == "via the second address"
    assert network.connects == [("::1", server.port), ("127.0.0.1", server.port)]
