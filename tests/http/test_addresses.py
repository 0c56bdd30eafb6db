"""Which addresses are refused: property tests over the blocked networks and a sample of public
ranges, in IPv4, IPv6 and IPv4-in-IPv6 forms; the allow-list's one exception."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porina.http import BLOCKED_NETWORKS, AddressPolicy, blocked_reason

PUBLIC = [
    ip_network(n)
    for n in (
        "1.0.0.0/8",
        "8.0.0.0/8",
        "45.0.0.0/8",
        "93.0.0.0/8",
        "185.0.0.0/8",
        "2001:4860::/32",
        "2606:4700::/32",
        "2a00::/12",
    )
]


def _in(
    networks: Sequence[IPv4Network | IPv6Network],
) -> st.SearchStrategy[IPv4Address | IPv6Address]:
    return st.sampled_from(networks).flatmap(
        lambda net: st.integers(0, net.num_addresses - 1).map(lambda i: net[i])
    )


BLOCKED = [net for net, _ in BLOCKED_NETWORKS]
BLOCKED_V4 = [net for net in BLOCKED if isinstance(net, IPv4Network)]
PUBLIC_V4 = [net for net in PUBLIC if isinstance(net, IPv4Network)]


def _mapped(ip: IPv4Address) -> IPv6Address:
    return IPv6Address(f"::ffff:{ip}")


def _nat64(ip: IPv4Address) -> IPv6Address:
    return IPv6Address(int(IPv6Address("64:ff9b::")) | int(ip))


@given(_in(BLOCKED))
def test_every_address_in_a_blocked_network_is_refused(ip: IPv4Address | IPv6Address) -> None:
    assert blocked_reason(ip) is not None


@given(_in(BLOCKED_V4))
def test_blocked_ipv4_addresses_are_refused_inside_ipv6_too(ip: IPv4Address) -> None:
    assert blocked_reason(_mapped(ip)) is not None
    assert blocked_reason(_nat64(ip)) is not None


@given(_in(PUBLIC))
def test_public_addresses_pass(ip: IPv4Address | IPv6Address) -> None:
    assert blocked_reason(ip) is None


@given(_in(PUBLIC_V4))
def test_public_ipv4_addresses_pass_inside_ipv6_too(ip: IPv4Address) -> None:
    assert blocked_reason(_mapped(ip)) is None
    assert blocked_reason(_nat64(ip)) is None


@given(st.integers(0, 2**128 - 1).map(IPv6Address))
def test_ipv6_outside_global_unicast_is_refused(ip: IPv6Address) -> None:
    carried = ip.ipv4_mapped is not None or ip in ip_network("64:ff9b::/96")
    if ip not in ip_network("2000::/3") and not carried:
        assert blocked_reason(ip) is not None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "metadata"),
        ("0.0.0.0", "this network"),
        ("::", "unspecified"),
        ("100.64.1.1", "carrier-grade"),
        ("::ffff:127.0.0.1", "loopback, inside IPv6"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("fd00:ec2::254", "unique local"),
        ("255.255.255.255", "broadcast"),
        ("ff02::1", "multicast"),
        ("2002:7f00:1::", "6to4"),
        ("fe80::1%2", "scoped"),
    ],
)
def test_refusals_say_why(address: str, reason: str) -> None:
    assert reason in (blocked_reason(ip_address(address)) or "")


def test_allow_listed_hosts_may_use_loopback_and_nothing_else_private() -> None:
    policy = AddressPolicy(frozenset({("localhost", 8080), ("::1", 7000)}))
    loopback, mapped, private = (
        ip_address(a) for a in ("127.0.0.1", "::ffff:127.0.0.1", "10.0.0.1")
    )
    assert policy.refusal("localhost", 8080, loopback) is None
    assert policy.refusal("LOCALHOST.", 8080, mapped) is None
    assert policy.refusal("[::1]", 7000, ip_address("::1")) is None
    assert policy.refusal("localhost", 8080, private) is not None
    assert policy.refusal("localhost", 8081, loopback) is not None
    assert policy.refusal("social.example", 8080, loopback) is not None
