"""The kept pages and posts' HTML (``web/page_cache.py``) are bounded by bytes
(``PORINA_PAGE_CACHE_BYTES``, ``PORINA_FRAGMENT_CACHE_BYTES``): with bounds far below what the
pages hold, every page a visitor without a session gets still equals the page rendered the
complete way, in both languages, after the caches forgot most of it; private and direct posts
never reach a visitor, and signed-in readers (a follower, a blocked person) see what they saw
before. A post's page not kept costs two statements (its thread's shape and its rows)."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from porina.core.clock import now
from porina.services import Services
from porina.settings import Settings
from porina.web import i18n, page_cache, profiles, statuses

from ..factories import Factory, Person
from .conftest import HTML, text_of

TOKEN = re.compile(r'name="_csrf_token" value="[^"]*"')


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same shown ages on every visit."""
    moment = now() + timedelta(hours=1)
    monkeypatch.setattr(i18n, "now", lambda: moment)
    monkeypatch.setattr(page_cache, "now", lambda: moment)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Bounds that hold a few of the test's pages and posts, not all of them."""
    return dataclasses.replace(settings, page_cache_bytes=500_000, fragment_cache_bytes=100_000)


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 4000)), max_size=120),
    st.integers(0, 60_000),
)
@hsettings(max_examples=150, deadline=None)
def test_a_byte_bounded_cache_keeps_within_its_bound(
    puts: list[tuple[int, int]], limit: int
) -> None:
    """Whatever is put: what it holds is counted right and stays within the bound; each key
    it keeps gives the last value put under it; a value under a tenth of the bound is kept
    at least until the next put."""
    kept: page_cache.ByteBounded[str] = page_cache.ByteBounded(limit)
    last: dict[int, str] = {}
    for n, (key, size) in enumerate(puts):
        value = f"{n}:" + "x" * size
        kept.put((key,), value)
        last[key] = value
        weights = [
            page_cache.ENTRY + page_cache._weight(k) + page_cache._weight(v)
            for k, (v, _) in kept._entries.items()
        ]
        assert kept.held == sum(weights) <= limit
        small = (page_cache.ENTRY + page_cache._weight((key,)) + page_cache._weight(value)) * 10
        assert (kept.get((key,)) == value) == (small <= limit)
        assert all(kept.get((k,)) in (None, v) for k, v in last.items())


async def _get(client: httpx.AsyncClient, path: str, lang: str) -> str:
    client.cookies.clear()
    if lang:
        client.cookies.set(i18n.COOKIE, lang)
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200, (path, response.text)
    return TOKEN.sub('name="_csrf_token" value=""', response.text)


async def _complete(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, path: str, lang: str
) -> str:
    """The page rendered the complete way, as a signed-in reader's page is."""

    async def no_kept(*_: Any) -> None:
        return None

    with monkeypatch.context() as patch:
        patch.setattr(statuses, "kept_status", no_kept)
        patch.setattr(profiles, "is_htmx", lambda _: True)
        return await _get(client, path, lang)


async def _world(make: Factory) -> tuple[Person, Person, list[str]]:
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.post(f"/api/v1/accounts/{alice.id}/follow")
    paths = ["/@alice", "/@bob", "/@alice/with_replies"]
    for n in range(6):
        root = await alice.status(f"Bread number {n} is out")
        reply = await bob.status(f"Saving one of {n}", in_reply_to_id=root["id"])
        await alice.status(f"Secret recipe {n}", visibility="private", in_reply_to_id=reply["id"])
        await alice.status(f"@bob psst {n}", visibility="direct")
        paths += [f"/@alice/{root['id']}", f"/@bob/{reply['id']}"]
    return alice, bob, paths


async def test_pages_from_small_caches_equal_the_complete_pages(
    make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, paths = await _world(make)
    page_cache.PAGES.clear()
    page_cache.FRAGMENTS.clear()
    for round_ in range(2):
        for lang in ("", "fi"):
            for path in paths:
                served = await _get(client, path, lang)
                assert served == await _complete(client, monkeypatch, path, lang), (round_, path)
                assert ("Secret recipe" not in served) and ("psst" not in served), path
                assert ('<html lang="fi"' in served) == (lang == "fi"), path
    assert page_cache.PAGES.held <= 500_000 and page_cache.FRAGMENTS.held <= 100_000
    assert 0 < len(page_cache.PAGES) < 2 * len(paths)  # most pages forgotten, some kept
    assert len(page_cache.FRAGMENTS) > 0


async def test_signed_in_readers_see_what_they_may_after_visitors_filled_the_caches(
    make: Factory, client: httpx.AsyncClient, signed_in: Any
) -> None:
    alice, bob, paths = await _world(make)
    mallory = await make.person("mallory")
    await alice.post(f"/api/v1/accounts/{mallory.id}/block")
    for path in paths:
        assert "Secret recipe" not in await _get(client, path, "")  # kept for visitors
    thread = next(p for p in paths if p.startswith("/@bob/"))
    follower = await signed_in(bob)
    assert "Secret recipe" in text_of((await follower.get(thread)).text)  # he follows alice
    client.cookies.clear()
    blocked = await signed_in(mallory)
    assert "Bread number" not in text_of((await blocked.get("/@alice")).text)
    assert "Bread number" not in text_of((await blocked.get(thread)).text)


async def _cost(services: Services, client: httpx.AsyncClient, path: str) -> int:
    """The statements of a visit, without the test client's drain of the job queue after
    each response (``tests/conftest.py``: one statement when there is nothing to run)."""
    before = services.db.query_count
    await _get(client, path, "")
    total = services.db.query_count - before
    before = services.db.query_count
    await services.runner.drain()
    return total - (services.db.query_count - before)


async def test_a_post_page_not_kept_costs_two_statements(
    make: Factory, client: httpx.AsyncClient, services: Services
) -> None:
    """The thread's shape (its root found in the same statement) and its posts' rows; the
    posts themselves come from the status cache, the page from the kept page when kept."""
    _, _, paths = await _world(make)
    thread = next(p for p in paths if p.startswith("/@bob/"))
    await _get(client, thread, "")  # the status cache filled
    page_cache.PAGES.clear()
    assert await _cost(services, client, thread) == 2
    assert await _cost(services, client, thread) == 2  # kept


async def test_a_profiles_header_from_its_posts_follows_the_account(
    make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile page not kept shows its author as its posts do (the status cache): a new
    follower's count, a new name and a new bio show at once, as the complete rendering does."""
    alice, _, _ = await _world(make)
    assert "1 follower" in text_of(await _get(client, "/@alice", ""))
    carol = await make.person("carol")
    await carol.post(f"/api/v1/accounts/{alice.id}/follow")
    renamed = {"display_name": "Alice Aalto", "note": "Bakes rye"}
    await alice.patch("/api/v1/accounts/update_credentials", data=renamed)
    for lang in ("", "fi"):
        page_cache.PAGES.clear()
        served = await _get(client, "/@alice", lang)
        assert served == await _complete(client, monkeypatch, "/@alice", lang)
        shown = text_of(served)
        assert "Alice Aalto" in shown and "Bakes rye" in shown, lang
        assert ("2 followers" in shown) == (lang == ""), lang
