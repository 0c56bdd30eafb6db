"""PORINA_FEDERATION_ALLOW_HTTP_HOSTS names literal loopback host:port pairs only, and the
outbound limits are positive; anything else stops start-up."""

from __future__ import annotations

import pytest

from porina.http import build_outbound
from porina.settings import Settings, SettingsError, load


@pytest.mark.parametrize(
    "value",
    [
        "example.com:80",
        "10.0.0.1:80",
        "169.254.169.254:80",
        "localhost",
        "localhost:0",
        "localhost:70000",
        "localhost:http",
        "::1:80",
        "[localhost]:80",
        "[::2]:80",
        "0.0.0.0:80",
        "localhost.example:80",
        "localhost:8080,example.com:443",
    ],
)
def test_allow_http_hosts_naming_anything_but_a_loopback_host_port_stops_start_up(
    value: str,
) -> None:
    with pytest.raises(SettingsError, match="PORINA_FEDERATION_ALLOW_HTTP_HOSTS"):
        load({"PORINA_FEDERATION_ALLOW_HTTP_HOSTS": value})


def test_allow_http_hosts_takes_loopback_names_and_addresses_with_ports() -> None:
    settings = load(
        {"PORINA_FEDERATION_ALLOW_HTTP_HOSTS": " LocalHost:8080, 127.0.0.1:9000,[::1]:7000,"}
    )
    policy = build_outbound(settings).policy
    assert policy.allow_http_hosts == {("localhost", 8080), ("127.0.0.1", 9000), ("::1", 7000)}


def test_by_default_nothing_is_allow_listed() -> None:
    assert build_outbound(load({})).policy.allow_http_hosts == frozenset()


@pytest.mark.parametrize(
    "name",
    ["OUTBOUND_CONNECT_TIMEOUT", "OUTBOUND_READ_TIMEOUT", "OUTBOUND_TIMEOUT", "OUTBOUND_MAX_BYTES"],
)
def test_outbound_limits_below_one_stop_start_up(name: str) -> None:
    with pytest.raises(SettingsError, match=f"PORINA_{name} must be at least 1"):
        load({f"PORINA_{name}": "0"})


def test_outbound_limits_come_from_the_settings() -> None:
    settings = load(
        {
            "PORINA_OUTBOUND_CONNECT_TIMEOUT": "2",
            "PORINA_OUTBOUND_READ_TIMEOUT": "3",
            "PORINA_OUTBOUND_TIMEOUT": "4",
            "PORINA_OUTBOUND_MAX_BYTES": "5000",
        }
    )
    limits = build_outbound(settings).limits
    assert (limits.connect_timeout, limits.read_timeout, limits.total_timeout) == (2, 3, 4)
    assert (limits.max_bytes, limits.max_redirects) == (5000, 5)


def test_a_client_built_from_unchecked_settings_still_refuses_a_bad_allow_list() -> None:
    with pytest.raises(SettingsError):
        build_outbound(Settings(federation_allow_http_hosts="example.com:80"))
