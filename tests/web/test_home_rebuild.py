"""The web home page rebuilds an empty feed as the API's home timeline does: a person whose
feed was dropped (idle, or never built) sees the posts of those they follow, not the
welcome panel of a new account."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory
from ..timelines import support as s
from .conftest import HTML, text_of


async def test_an_empty_feed_is_rebuilt_for_the_home_page(
    services: Services, make: Factory, client: httpx.AsyncClient, signed_in: Any
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    status = await s.post(services, alice, "Fresh loaves at noon")
    await services.feeds.remove(None, int(status["id"]))
    await signed_in(bob)
    page = await client.get("/home", headers=HTML)
    assert page.status_code == 200, page.text
    assert "Fresh loaves at noon" in text_of(page.text)
