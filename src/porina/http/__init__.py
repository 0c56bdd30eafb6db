"""Outbound HTTP: the one client every request to another server goes through.

Link previews, federation fetches and deliveries, web push and webhooks all use
``OutboundClient`` (built once per process by ``build_outbound(settings)``):

- https only; plain http and loopback addresses only for the literal loopback host:port pairs
  in ``PORINA_FEDERATION_ALLOW_HTTP_HOSTS`` (tests and local trials);
- private, loopback, link-local (cloud metadata), CGNAT, multicast, unspecified, reserved and
  documentation addresses are refused, in IPv4, IPv6 and IPv4-in-IPv6 forms
  (``addresses.BLOCKED_NETWORKS``);
- the address connected to is the address checked: one lookup per connection, every answer
  checked, TLS and Host still name the host (``backend.GuardedBackend``), so DNS rebinding
  has nothing to slip through;
- redirects followed here, each hop checked again, at most five;
- connect, read and total timeouts and a body limit (``PORINA_OUTBOUND_*``).

Failures are ``OutboundError`` subclasses with codes ``blocked_address``, ``bad_scheme``,
``bad_url``, ``too_large``, ``timeout``, ``too_many_redirects``, ``connect_failed`` and
``bad_response``. Tests pass a ``StaticResolver`` (names to chosen addresses) or an httpx
transport. docs/architecture.md, "Outbound HTTP", has the design.
"""

from porina.http.addresses import BLOCKED_NETWORKS, AddressPolicy, blocked_reason
from porina.http.backend import GuardedBackend, GuardedTransport, guarded_transport
from porina.http.client import (
    OutboundClient,
    OutboundLimits,
    OutboundResponse,
    build_outbound,
    user_agent,
)
from porina.http.errors import (
    BadResponse,
    BadScheme,
    BadUrl,
    BlockedAddress,
    ConnectFailed,
    OutboundError,
    OutboundTimeout,
    TooLarge,
    TooManyRedirects,
)
from porina.http.resolver import Resolver, StaticResolver, SystemResolver

__all__ = [
    "BLOCKED_NETWORKS",
    "AddressPolicy",
    "BadResponse",
    "BadScheme",
    "BadUrl",
    "BlockedAddress",
    "ConnectFailed",
    "GuardedBackend",
    "GuardedTransport",
    "OutboundClient",
    "OutboundError",
    "OutboundLimits",
    "OutboundResponse",
    "OutboundTimeout",
    "Resolver",
    "StaticResolver",
    "SystemResolver",
    "TooLarge",
    "TooManyRedirects",
    "blocked_reason",
    "build_outbound",
    "guarded_transport",
    "user_agent",
]
