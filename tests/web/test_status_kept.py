"""A post's page as a visitor from a shared link (no session) sees it comes from a kept page
and kept fragments (``web/statuses.kept_status``, ``web/page_cache.thread_parts``): it equals
the page rendered the complete way (``thread`` and ``statuses``), byte for byte but for the
visitor's CSRF token, across edits, deletions, replies, counts, renames, private replies,
quotes, polls, ages, languages and themes. Each part of the key is needed: without it, one of
these changes serves a stale page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from porina.core.clock import now
from porina.web import i18n, page_cache, statuses

from ..factories import Factory, Person
from .conftest import HTML, text_of

TOKEN = re.compile(r'name="_csrf_token" value="[^"]*"')


@dataclass
class Visitor:
    """Visits pages with no session, kept or rendered the complete way."""

    client: httpx.AsyncClient
    monkeypatch: pytest.MonkeyPatch
    lang: str = ""
    theme: str = ""

    async def get(self, path: str) -> str:
        self.client.cookies.clear()
        if self.lang:
            self.client.cookies.set(i18n.COOKIE, self.lang)
        if self.theme:
            self.client.cookies.set("theme", self.theme)
        response = await self.client.get(path, headers=HTML)
        assert response.status_code == 200, response.text
        return TOKEN.sub('name="_csrf_token" value=""', response.text)

    async def fresh(self, path: str) -> str:
        """The page rendered the complete way, as before pages were kept."""

        async def complete(*_: Any) -> None:
            return None

        with self.monkeypatch.context() as patch:
            patch.setattr(statuses, "kept_status", complete)
            return await self.get(path)

    async def same(self, path: str) -> str:
        """The page, checked to equal the complete rendering, whether kept or not."""
        served = await self.get(path)
        assert served == await self.fresh(path), path
        return served

    def __post_init__(self) -> None:
        self.at(now() + timedelta(hours=1))  # the same shown ages on every visit

    def at(self, moment: datetime) -> None:
        """Pages see the clock at ``moment`` (ages, a poll's closing time)."""
        self.monkeypatch.setattr(i18n, "now", lambda: moment)
        self.monkeypatch.setattr(page_cache, "now", lambda: moment)


def _page(person: Person, status: dict[str, Any]) -> str:
    return f"/@{person.username}/{status['id']}"


Scenario = Callable[[Factory, Visitor], Awaitable[str]]
"""Visits a page (kept), changes what it shows, and returns its path to visit again."""


async def _edit(make: Factory, visitor: Visitor) -> str:
    alice, bob = await make.person("alice"), await make.person("bob")
    root = await alice.status("Oven is hot")
    reply = await bob.status("Bringing dough", in_reply_to_id=root["id"])
    await visitor.same(_page(alice, root))
    edited = await bob.put(f"/api/v1/statuses/{reply['id']}", json={"status": "Bringing rye"})
    assert edited.status_code == 200, edited.text
    return _page(alice, root)


async def _address(make: Factory, visitor: Visitor) -> str:
    alice = await make.person("alice")
    root = await alice.status("Oven is hot")
    await visitor.same(_page(alice, root))
    return _page(alice, root) + "?from=share"


async def _language(make: Factory, visitor: Visitor) -> str:
    alice = await make.person("alice")
    root = await alice.status("Oven is hot")
    await visitor.same(_page(alice, root))
    visitor.lang = "fi"
    return _page(alice, root)


async def _theme(make: Factory, visitor: Visitor) -> str:
    alice = await make.person("alice")
    root = await alice.status("Oven is hot")
    await visitor.same(_page(alice, root))
    visitor.theme = "dark"
    return _page(alice, root)


async def _ages(make: Factory, visitor: Visitor) -> str:
    alice = await make.person("alice")
    root = await alice.status("Oven is hot")
    created = datetime.fromisoformat(root["created_at"].replace("Z", "+00:00"))
    visitor.at(created + timedelta(seconds=5))
    await visitor.same(_page(alice, root))
    visitor.at(created + timedelta(seconds=40))
    return _page(alice, root)


async def _quotes(make: Factory, visitor: Visitor) -> str:
    alice, bob = await make.person("alice"), await make.person("bob")
    quoted = await alice.status("Rye at noon")
    quoting = await bob.status("Look at this", quoted_status_id=quoted["id"])
    await visitor.same(_page(bob, quoting))
    edited = await alice.put(f"/api/v1/statuses/{quoted['id']}", json={"status": "Rye sold out"})
    assert edited.status_code == 200, edited.text
    return _page(bob, quoting)


async def _minute(make: Factory, visitor: Visitor) -> str:
    alice = await make.person("alice")
    poll = {"options": ["Rye", "Spelt"], "expires_in": 4 * 3600}
    root = await alice.status("Which bread?", poll=poll)
    created = datetime.fromisoformat(root["created_at"].replace("Z", "+00:00"))
    visitor.at(created + timedelta(hours=3, minutes=1))
    await visitor.same(_page(alice, root))
    visitor.at(created + timedelta(hours=3, minutes=20))
    return _page(alice, root)


SCENARIOS: dict[str, Scenario] = {
    "thread": _edit,
    "address": _address,
    "language": _language,
    "theme": _theme,
    "ages": _ages,
    "quotes": _quotes,
    "minute": _minute,
}


@pytest.mark.parametrize("part", sorted(SCENARIOS))
async def test_the_kept_page_shows_each_change_at_once(
    part: str, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    visitor = Visitor(client, monkeypatch)
    path = await SCENARIOS[part](make, visitor)
    await visitor.same(path)


@pytest.mark.parametrize("part", sorted(SCENARIOS))
async def test_each_part_of_the_key_is_needed(
    part: str, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = page_cache.thread_parts
    monkeypatch.setattr(
        page_cache,
        "thread_parts",
        lambda *args: {name: value for name, value in parts(*args).items() if name != part},
    )
    visitor = Visitor(client, monkeypatch)
    path = await SCENARIOS[part](make, visitor)
    assert await visitor.get(path) != await visitor.fresh(path), part


async def _thread(make: Factory) -> tuple[Person, Person, dict[str, Any], list[dict[str, Any]]]:
    alice, bob = await make.person("alice"), await make.person("bob")
    root = await alice.status("Oven is hot")
    first = await bob.status("Bringing dough", in_reply_to_id=root["id"])
    second = await alice.status("Thanks!", in_reply_to_id=first["id"])
    await bob.status("Just for followers", in_reply_to_id=root["id"], visibility="private")
    third = await bob.status("Any rye?", in_reply_to_id=root["id"])
    return alice, bob, root, [first, second, third]


@pytest.mark.parametrize("lang", ["en", "fi"])
async def test_a_thread_equals_the_complete_page_through_every_change(
    lang: str, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    visitor = Visitor(client, monkeypatch, lang=lang)
    alice, bob, root, (first, second, third) = await _thread(make)
    pages = [_page(alice, root), _page(bob, first), _page(alice, second)]

    async def everywhere(*expected: str, gone: str = "") -> None:
        for path in pages:
            for _ in range(2):  # rendered and kept, then kept
                shown = text_of(await visitor.same(path))
            assert all(text in shown for text in expected), (path, expected)
            assert not gone or gone not in shown, (path, gone)
            assert "Just for followers" not in shown

    await everywhere("Oven is hot", "Bringing dough", "Thanks!")
    await alice.put(f"/api/v1/statuses/{second['id']}", json={"status": "Many thanks!"})
    await everywhere("Many thanks!")
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Alice Aalto"})
    await everywhere("Alice Aalto")
    assert (await bob.post(f"/api/v1/statuses/{root['id']}/favourite")).status_code == 200
    await bob.post(f"/api/v1/statuses/{root['id']}/reblog")
    await everywhere("Oven is hot")
    assert (await bob.delete(f"/api/v1/statuses/{third['id']}")).status_code == 200
    await everywhere("Many thanks!", gone="Any rye?")
    await bob.status("Spelt too", in_reply_to_id=second["id"])
    await everywhere("Spelt too")
    assert (await bob.delete(f"/api/v1/statuses/{first['id']}")).status_code == 200
    await visitor.same(_page(alice, root))
    assert "Bringing dough" not in text_of(await visitor.get(_page(alice, root)))


async def test_a_hidden_or_missing_post_is_not_found_and_a_boost_shows_the_boosted_post(
    make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    hidden = await alice.status("Only for followers", visibility="private")
    client.cookies.clear()
    assert (await client.get(_page(alice, hidden), headers=HTML)).status_code == 404
    assert (await client.get("/@alice/999999999", headers=HTML)).status_code == 404
    root = await alice.status("Oven is hot")
    boost = await bob.post(f"/api/v1/statuses/{root['id']}/reblog")
    visitor = Visitor(client, monkeypatch)
    assert "Oven is hot" in text_of(await visitor.same(f"/@bob/{boost.json()['id']}"))


async def test_a_suspended_repliers_posts_leave_the_kept_page(
    make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    mod = await make.person("mod", role="moderator", scopes="admin:read admin:write")
    alice, mallory = await make.person("alice"), await make.person("mallory")
    root = await alice.status("Oven is hot")
    await mallory.status("Buy followers here", in_reply_to_id=root["id"])
    visitor = Visitor(client, monkeypatch)
    assert "Buy followers" in text_of(await visitor.same(_page(alice, root)))
    done = await mod.post(f"/api/v1/admin/accounts/{mallory.id}/action", data={"type": "suspend"})
    assert done.status_code == 200, done.text
    assert "Buy followers" not in text_of(await visitor.same(_page(alice, root)))
