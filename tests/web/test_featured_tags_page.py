"""A profile page shows the hashtags its person features, with their public post counts."""

from __future__ import annotations

from ..factories import Factory
from .conftest import Browser, text_of


async def test_the_profile_page_lists_featured_hashtags(make: Factory, browser: Browser) -> None:
    alice = await make.person("alice")
    await alice.status("first #coffee")
    await alice.status("second #coffee", visibility="private")
    await alice.post("/api/v1/featured_tags", json={"name": "coffee"})
    page = await browser.get("/@alice")
    assert page.status_code == 200
    assert "Featured hashtags #coffee · 1 post" in text_of(page.text)
    assert 'href="/tags/coffee"' in page.text
    finnish = await browser.get("/@alice", headers={"accept-language": "fi"})
    assert "Esitellyt aihetunnisteet #coffee · 1 julkaisu" in text_of(finnish.text)


async def test_a_profile_without_featured_hashtags_has_no_such_section(
    make: Factory, browser: Browser
) -> None:
    await make.person("bob")
    page = await browser.get("/@bob")
    assert "Featured hashtags" not in page.text
