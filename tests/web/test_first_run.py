"""A new account's empty home timeline welcomes it and points to Explore and Local instead of
'Nothing here yet.' (issue 15, item 6)."""

from __future__ import annotations

from typing import Any

from tests.factories import Factory


async def test_an_empty_home_points_to_explore_and_local(make: Factory, signed_in: Any) -> None:
    newcomer = await make.person("newcomer")
    page = await (await signed_in(newcomer)).get("/home")
    assert page.status_code == 200
    assert "Welcome! Your home timeline fills up as you follow people." in page.text
    assert '<a class="button" href="/explore">' in page.text
    assert '<a class="button" href="/public/local">' in page.text
    assert "Nothing here yet." not in page.text
