"""Authorised apps page: the apps holding live tokens of the reader, in words; revoking one
(after a confirm step) revokes every token of the reader for that app at once, and the API
refuses them; someone else's app grant is a 404; in Finnish too."""

from __future__ import annotations

import html
from typing import Any

import httpx

from porina.accounts.actions import create_oauth_app, issue_token
from porina.services import Services
from tests.factories import Factory, Person
from tests.web.conftest import text_of as raw_text


async def grant(
    services: Services, person: Person, name: str, scopes: str, app_id: str | None = None
) -> tuple[str, str]:
    """A token of ``person`` for the app ``app_id`` (a new app named ``name`` without it):
    (app id, token)."""
    async with services.db.transaction() as tx:
        if app_id is None:
            app = await create_oauth_app(tx, name, "urn:ietf:wg:oauth:2.0:oob", "read write")
            app_id = str(app.id)
        token, _ = await issue_token(tx, user=person.user, app_id=int(app_id), scopes=scopes)
    return app_id, token


async def whoami(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get(
        "/api/v1/accounts/verify_credentials", headers={"authorization": f"Bearer {token}"}
    )
    return response.status_code


async def test_signed_out_goes_to_sign_in(browser: Any) -> None:
    response = await browser.get("/settings/apps")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/sign_in")


async def test_list_and_revoke(
    make: Factory, services: Services, signed_in: Any, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    tusky, first = await grant(services, alice, "Tusky", "read write")
    _, second = await grant(services, alice, "Tusky", "read", tusky)  # signed in again
    await grant(services, alice, "Ivory", "read:statuses")
    await grant(services, bob, "Bob's Bot", "write")
    browser = await signed_in(alice)

    page = await browser.get("/settings/apps")
    assert page.status_code == 200
    words = text_of(page.text)
    assert page.text.count('class="item" id="app-') == 2  # Tusky once, for both tokens
    assert "Tusky" in words and "Ivory" in words and "Bob's Bot" not in words
    assert "Post, like, share and change everything in your account" in words
    assert "(statuses only)" in words
    assert await whoami(client, first) == 200 and await whoami(client, second) == 200

    confirm = await browser.get(f"/settings/apps/{tusky}/revoke")
    assert confirm.status_code == 200
    assert "Revoke access of Tusky?" in text_of(confirm.text)
    assert await whoami(client, first) == 200  # asking changes nothing

    revoked = await browser.post(f"/settings/apps/{tusky}/revoke")
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/settings/apps?done=revoked"
    assert await whoami(client, first) == 401 and await whoami(client, second) == 401
    words = text_of((await browser.get("/settings/apps?done=revoked")).text)
    assert "The app's access is revoked." in words
    assert "Tusky" not in words and "Ivory" in words
    assert (await browser.get("/settings")).status_code == 200  # the web session stays
    again = await browser.post(f"/settings/apps/{tusky}/revoke")
    assert again.status_code == 404


async def test_someone_elses_app_is_not_found(
    make: Factory, services: Services, signed_in: Any, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    bots, token = await grant(services, bob, "Bob's Bot", "read write")
    browser = await signed_in(alice)
    assert (await browser.get(f"/settings/apps/{bots}/revoke")).status_code == 404
    assert (await browser.post(f"/settings/apps/{bots}/revoke")).status_code == 404
    assert (await browser.post("/settings/apps/not-an-id/revoke")).status_code == 404
    assert await whoami(client, token) == 200


async def test_in_finnish(make: Factory, services: Services, signed_in: Any) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    empty = text_of((await browser.get("/settings/apps")).text)
    assert "Valtuutetut sovellukset" in empty and "Mikään sovellus ei voi käyttää" in empty
    app, _ = await grant(services, aino, "Tusky", "read")
    confirm = text_of((await browser.get(f"/settings/apps/{app}/revoke")).text)
    assert "Perutaanko sovelluksen Tusky käyttöoikeus?" in confirm


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))
