"""A visitor from a shared link (no session) gets the landing, local and hashtag pages from a
kept rendering while nothing on them changed (``web/page_cache.py``), and never a stale one:
a new post, an edit, a deletion, a new count or a renamed author shows at once. The page's
forms carry the visitor's own CSRF token, and its posts still count as impressions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from porina.analytics import impressions
from porina.services import Services
from porina.web import i18n, page_cache

from ..factories import Factory
from .conftest import HTML, text_of


async def _visit(client: httpx.AsyncClient, path: str) -> str:
    """The page as a fresh visitor gets it (no cookie of an earlier visit)."""
    client.cookies.clear()
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    return response.text


async def _cost(services: Services, client: httpx.AsyncClient, path: str) -> int:
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    await _visit(client, path)
    return services.db.query_count - before - drain


async def _everywhere(client: httpx.AsyncClient, *expected: str, gone: str = "") -> None:
    for path in ("/", "/public/local", "/tags/bakery"):
        shown = text_of(await _visit(client, path))
        assert all(text in shown for text in expected), (path, expected)
        assert not gone or gone not in shown, (path, gone)


async def test_visitors_see_every_change_at_once(make: Factory, client: httpx.AsyncClient) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    first = await alice.status("Morning buns are out #bakery")
    await _everywhere(client, "Morning buns are out")
    edited = await alice.put(
        f"/api/v1/statuses/{first['id']}", json={"status": "Buns sold out #bakery"}
    )
    assert edited.status_code == 200, edited.text
    await _everywhere(client, "Buns sold out", gone="Morning buns")
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Alice Aalto"})
    await _everywhere(client, "Alice Aalto")
    await bob.post(f"/api/v1/statuses/{first['id']}/favourite")
    for path in ("/", "/public/local", "/tags/bakery"):
        page = await _visit(client, path)
        assert 'aria-label="Like, 1"' in page, path
    second = await bob.status("Rye bread at noon #bakery")
    await _everywhere(client, "Rye bread at noon", "Buns sold out")
    assert (await bob.delete(f"/api/v1/statuses/{second['id']}")).status_code == 200
    await _everywhere(client, "Buns sold out", gone="Rye bread")


async def test_a_suspended_authors_posts_leave_the_kept_page(
    make: Factory, client: httpx.AsyncClient
) -> None:
    mod = await make.person("mod", role="moderator", scopes="admin:read admin:write")
    mallory = await make.person("mallory")
    await mallory.status("Buy followers here #bakery")
    assert "Buy followers" in text_of(await _visit(client, "/tags/bakery"))
    done = await mod.post(f"/api/v1/admin/accounts/{mallory.id}/action", data={"type": "suspend"})
    assert done.status_code == 200, done.text
    for path in ("/", "/public/local", "/tags/bakery"):
        assert "Buy followers" not in text_of(await _visit(client, path)), path


async def test_each_visitor_gets_their_own_csrf_token_and_the_forms_work(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    await alice.status("Open until six")
    tokens = []
    for _ in range(2):
        page = await _visit(client, "/public/local")
        assert page_cache.PLACEHOLDER not in page
        [token, *_] = re.findall(r'name="_csrf_token" value="([^"]+)"', page)
        assert token == client.cookies.get("porina_csrf")
        tokens.append(token)
        switched = await client.post(
            "/lang",
            data={"_csrf_token": token, "lang": "fi", "next": "/public/local"},
            follow_redirects=False,
        )
        assert switched.status_code == 303, switched.text
        finnish = await client.get("/public/local", headers=HTML)
        assert '<html lang="fi"' in finnish.text
    assert tokens[0] != tokens[1]


async def test_pages_keep_language_and_theme_apart(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    await alice.status("Kahvi on valmis")
    english = await _visit(client, "/public/local")
    assert '<html lang="en"' in english and 'data-theme="dark"' not in english
    client.cookies.set(i18n.COOKIE, "fi")
    finnish = await client.get("/public/local", headers=HTML)
    assert '<html lang="fi"' in finnish.text and 'data-theme="dark"' not in finnish.text
    client.cookies.clear()
    client.cookies.set("theme", "dark")
    dark = await client.get("/public/local", headers=HTML)
    assert '<html lang="en"' in dark.text and 'data-theme="dark"' in dark.text


async def test_a_kept_page_costs_one_statement_and_still_counts_impressions(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    for n in range(3):
        await alice.status(f"Special {n} #bakery")
    await _visit(client, "/tags/bakery")  # rendered and kept
    await impressions.flush(services.db)
    for path in ("/", "/public/local", "/tags/bakery"):
        await _visit(client, path)
        assert await _cost(services, client, path) == 1, path  # the page's rows
    assert await impressions.flush(services.db) == 3 * 6


async def test_a_profile_follows_its_account_posts_and_featured_tags(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.status("Fresh bread daily #bakery")
    page = text_of(await _visit(client, "/@alice"))
    assert "Fresh bread daily" in page and "Alice Aalto" not in page
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Alice Aalto"})
    page = text_of(await _visit(client, "/@alice"))
    assert "Alice Aalto" in page and "Featured hashtags" not in page
    featured = await alice.post("/api/v1/featured_tags", data={"name": "bakery"})
    assert featured.status_code == 200, featured.text
    assert "Featured hashtags #bakery · 1 post" in text_of(await _visit(client, "/@alice"))
    reply = await alice.status("Thanks!", in_reply_to_id=(await bob.status("Hi"))["id"])
    assert "Thanks!" not in text_of(await _visit(client, "/@alice"))
    assert "Thanks!" in text_of(await _visit(client, "/@alice/with_replies"))
    assert (await alice.delete(f"/api/v1/statuses/{reply['id']}")).status_code == 200
    assert "Thanks!" not in text_of(await _visit(client, "/@alice/with_replies"))
    await alice.status("Only for friends", visibility="private")
    assert "Only for friends" not in text_of(await _visit(client, "/@alice/with_replies"))


async def _fresh(client: httpx.AsyncClient, path: str) -> str:
    """The page rendered again (no kept page), from the kept posts' fragments."""
    page_cache.PAGES.clear()
    return text_of(await _visit(client, path))


async def test_kept_fragments_never_show_a_stale_post(
    make: Factory, client: httpx.AsyncClient
) -> None:
    """A page not kept is joined from kept fragments: an edit, a rename, a count, a quoted
    post's edit and a boost show at once, in each language apart."""
    alice, bob = await make.person("alice"), await make.person("bob")
    first = await alice.status("Cinnamon rolls at nine")
    assert "Cinnamon rolls at nine" in await _fresh(client, "/@alice")
    assert len(page_cache.FRAGMENTS) >= 1
    await alice.put(f"/api/v1/statuses/{first['id']}", json={"status": "Cardamom rolls at nine"})
    assert "Cardamom rolls" in await _fresh(client, "/@alice")
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Alice Aalto"})
    assert "Alice Aalto" in await _fresh(client, "/public/local")
    await bob.post(f"/api/v1/statuses/{first['id']}/favourite")
    page_cache.PAGES.clear()
    assert 'aria-label="Like, 1"' in await _visit(client, "/@alice")
    quoting = await bob.status("Look at this", quoted_status_id=first["id"])
    assert quoting.get("quote") is not None, quoting
    assert "Cardamom rolls" in await _fresh(client, "/@bob")
    await alice.put(f"/api/v1/statuses/{first['id']}", json={"status": "Sold out, sorry"})
    shown = await _fresh(client, "/@bob")
    assert "Sold out, sorry" in shown and "Cardamom" not in shown
    await bob.post(f"/api/v1/statuses/{first['id']}/reblog")
    assert "bob boosted" in await _fresh(client, "/@bob/with_replies")
    client.cookies.set(i18n.COOKIE, "fi")
    page_cache.PAGES.clear()
    finnish = await client.get("/@alice", headers=HTML)
    assert '<html lang="fi"' in finnish.text and "Sold out, sorry" in text_of(finnish.text)
    assert 'aria-label="Like, 1"' not in finnish.text


def test_a_fragments_age_key_changes_whenever_its_shown_age_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``age_key`` against the texts themselves (``ago_short``, ``ago``) over ages from a
    second to two years, in both languages: one key never shows two texts."""
    created = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    seconds = sorted({int(1.37**n) for n in range(70)} | {59, 60, 61, 3599, 3600, 86399})
    for lang in i18n.LOCALES:
        i18n.activate(lang)
        texts: dict[Any, set[tuple[str, str]]] = {}
        for offset in seconds:
            moment = created + timedelta(seconds=offset)
            monkeypatch.setattr(i18n, "now", lambda moment=moment: moment)
            key = page_cache.age_key(created.isoformat(), moment)
            shown = (i18n.fmt_ago_short(created), i18n.fmt_ago(created))
            texts.setdefault(key, set()).add(shown)
        assert all(len(found) == 1 for found in texts.values()), (lang, texts)
        assert len(texts) > 20
    i18n.activate(i18n.DEFAULT)
