"""A small world for anonymity tests: a brand with a manager, people, an instance admin."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from porina.services import Services
from tests.factories import Factory, Person
from tests.operators.support import operate
from tests.privacy.build import password_hash

API = "/api/porina/v1/anonymous"
ADMIN = "/api/porina/v1/admin/anonymous"


@dataclass
class World:
    brand: Person
    manager: dict[str, str]
    alice: Person
    bob: Person
    carol: Person


async def world(services: Services, make: Factory) -> World:
    hashed = password_hash()  # one Argon2 hash for everyone: the world is quick to make
    brand = await make.person("kahvila", actor_type="Organization", password_hash=hashed)
    mari = await make.person("mari", password_hash=hashed)
    manager = await operate(services, brand, mari, "manager")
    alice, bob, carol = [
        await make.person(n, password_hash=hashed) for n in ("alice", "bob", "carol")
    ]
    return World(brand, manager, alice, bob, carol)


async def anonymously(person: Person, text: str, **target: str) -> httpx.Response:
    return await person.post(f"{API}/statuses", json={"status": text, **target})


def leaks(payload: Any, person: Person) -> list[str]:
    """What of ``person`` (id, username, acct, profile URL) ``payload`` contains."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    name = re.escape(person.username)
    marks = [rf"\b{person.id}\b", rf"@{name}\b", rf"\"{name}\"", rf"\"{name}@"]
    return [m for m in marks if re.search(m, text, re.IGNORECASE)]
