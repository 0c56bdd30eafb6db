"""Two remote servers on loopback for the in-process federation tests (``peers.py``), which
the app may reach over plain http."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from porina.settings import Settings

from .peers import Peer, start_peer


@pytest.fixture(scope="session")
def peer_servers() -> Iterator[tuple[Peer, Peer]]:
    one, two = start_peer(), start_peer()
    yield one, two
    for peer in (one, two):
        peer.server.shutdown()


@pytest.fixture
def peers(peer_servers: tuple[Peer, Peer]) -> tuple[Peer, Peer]:
    for peer in peer_servers:
        peer.received.clear()
    return peer_servers


@pytest.fixture
def settings(settings: Settings, peers: tuple[Peer, Peer]) -> Settings:
    hosts = ",".join(peer.host for peer in peers)
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)
