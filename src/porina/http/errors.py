"""Typed failures of outbound requests, one code each.

A response with a 4xx or 5xx status is not an error here: the caller gets it and decides (a
federation delivery treats 410 differently from 503). These are the cases where there is no
usable response at all, or where Porina refused to make the request.
"""

from __future__ import annotations

from porina.core.errors import PorinaError


class OutboundError(PorinaError):
    """An outbound request was refused or produced no usable response."""

    status = 502
    code = "outbound_failed"


class BlockedAddress(OutboundError):
    """The host is, or resolves to, an address Porina does not connect to (private, loopback,
    link-local, metadata, multicast, reserved...)."""

    status = 422
    code = "blocked_address"


class BadScheme(OutboundError):
    """Not http(s), or plain http to a host that is not allow-listed."""

    status = 422
    code = "bad_scheme"


class BadUrl(OutboundError):
    """The address cannot be parsed or has no host."""

    status = 422
    code = "bad_url"


class TooLarge(OutboundError):
    """The response body (after decompression) is larger than the limit."""

    code = "too_large"


class OutboundTimeout(OutboundError):
    """Resolving, connecting, waiting for bytes or the whole exchange took too long."""

    status = 504
    code = "timeout"


class TooManyRedirects(OutboundError):
    """More redirects than the limit."""

    code = "too_many_redirects"


class ConnectFailed(OutboundError):
    """The host did not resolve, or no address of it accepted a connection."""

    code = "connect_failed"


class BadResponse(OutboundError):
    """The peer broke the protocol: a malformed response, a connection cut mid-body, a body
    that does not decode."""

    code = "bad_response"
