"""Which IP addresses an outbound request may connect to.

``blocked_reason`` is the one rule: an address in ``BLOCKED_NETWORKS``, an IPv6 address outside
global unicast (2000::/3), or one the standard library's copy of IANA's special-purpose
registries calls not global, is refused. IPv4 addresses carried inside IPv6 (IPv4-mapped
``::ffff:a.b.c.d`` and NAT64 ``64:ff9b::a.b.c.d``) are judged by the IPv4 address they carry.

``AddressPolicy`` adds the one exception: hosts allow-listed in
``PORINA_FEDERATION_ALLOW_HTTP_HOSTS`` (literal loopback host:port pairs, for tests and local
trials) may be reached on loopback addresses and over plain http.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address

BLOCKED_NETWORKS: tuple[tuple[IPv4Network | IPv6Network, str], ...] = tuple(
    (ip_network(net), why)
    for net, why in (
        ("0.0.0.0/8", "this network (0.0.0.0)"),
        ("10.0.0.0/8", "private (RFC 1918)"),
        ("100.64.0.0/10", "carrier-grade NAT (RFC 6598)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local, cloud metadata (169.254.169.254)"),
        ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.0.0.0/24", "IETF protocol assignments, cloud metadata (192.0.0.192)"),
        ("192.0.2.0/24", "documentation (TEST-NET-1)"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private (RFC 1918)"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation (TEST-NET-2)"),
        ("203.0.113.0/24", "documentation (TEST-NET-3)"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved, broadcast"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible (deprecated)"),
        ("::ffff:0:0:0/96", "IPv4-translated"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "IETF protocol assignments (Teredo, ORCHID...)"),
        ("2001:db8::/32", "documentation"),
        ("2002::/16", "6to4 (carries an IPv4 address)"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique local (ULA)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)
"""Refused networks and why; the property tests check every address in them is refused."""

GLOBAL_UNICAST_V6 = IPv6Network("2000::/3")
NAT64 = IPv6Network("64:ff9b::/96")


def carried_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv4-mapped or NAT64 (64:ff9b::/96) IPv6 address stands for."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why Porina must not connect to ``ip``, or None when it may."""
    if isinstance(ip, IPv6Address):
        if ip.scope_id:
            return "scoped (zone index)"
        inner = carried_ipv4(ip)
        if inner is not None:
            reason = blocked_reason(inner)
            return None if reason is None else f"{reason}, inside IPv6"
    for network, why in BLOCKED_NETWORKS:
        if ip.version == network.version and ip in network:
            return why
    if isinstance(ip, IPv6Address) and ip not in GLOBAL_UNICAST_V6:
        return "not global unicast"
    if not ip.is_global:
        return "not globally routable"
    return None


def is_loopback(ip: IPAddress) -> bool:
    """Loopback, in IPv4, IPv6 or IPv4-mapped form."""
    return unmapped(ip).is_loopback


def unmapped(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv4-mapped IPv6 address stands for; any other unchanged."""
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def literal_address(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal (brackets allowed), else None."""
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def host_key(host: str, port: int) -> tuple[str, int]:
    """How a host:port is compared with the allow-list: lower case, no brackets, no final dot."""
    return host.strip("[]").rstrip(".").lower(), port


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Decides, per connection, whether the checked address may be used."""

    allow_http_hosts: frozenset[tuple[str, int]] = frozenset()
    """(host, port) pairs reachable over plain http and on loopback addresses."""

    def allows_http(self, host: str, port: int) -> bool:
        return host_key(host, port) in self.allow_http_hosts

    def refusal(self, host: str, port: int, ip: IPAddress) -> str | None:
        """Why connecting to ``ip`` for ``host:port`` is refused, or None."""
        reason = blocked_reason(ip)
        if reason is not None and is_loopback(ip) and self.allows_http(host, port):
            return None
        return reason
