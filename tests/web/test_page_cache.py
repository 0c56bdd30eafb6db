"""A visitor from a shared link (no session) gets the landing, local and hashtag pages from a
kept rendering while nothing on them changed (``web/page_cache.py``), and never a stale one:
a new post, an edit, a deletion, a new count or a renamed author shows at once. The page's
forms carry the visitor's own CSRF token, and its posts still count as impressions."""

from __future__ import annotations

import re

import httpx

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
