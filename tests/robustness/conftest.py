"""The page tests' browser-like client (``tests/web/conftest.py``), for the pages here."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from porina.services import Services
from tests.factories import Person
from tests.web.conftest import Browser, sign_in_as


@pytest.fixture
def browser(client: httpx.AsyncClient) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(services: Services, client: httpx.AsyncClient) -> Any:
    async def go(person: Person) -> Browser:
        await sign_in_as(services, client, person)
        return Browser(client)

    return go
