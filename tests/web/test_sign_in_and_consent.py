"""Sign-in and the OAuth consent page speak the reader's language, errors included, and keep
their behaviour (the protocol's own error codes still go back to the app in English)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select, update

from porina.accounts.models import Account
from porina.core.clock import now
from porina.services import Services
from porina.web import i18n
from tests.factories import Factory
from tests.web.conftest import Browser, text_of

FI = {"accept-language": "fi"}
PASSWORD = "correct horse battery"


def fi(message: str) -> str:
    i18n.activate("fi")
    try:
        return i18n.gettext(message)
    finally:
        i18n.activate(i18n.DEFAULT)


async def register(
    client: httpx.AsyncClient, redirect: str = "https://app.example/cb"
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/apps",
        json={"client_name": "Kahviappi", "redirect_uris": redirect, "scopes": "read write"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_sign_in_page_is_finnish_and_styled(browser: Browser) -> None:
    page = await browser.get("/auth/sign_in", headers=FI)
    assert page.status_code == 200
    assert '<html lang="fi">' in page.text
    assert fi("Log in to Porina") in page.text and fi("Log in to Porina") != "Log in to Porina"
    assert fi("E-mail address or username") in page.text
    assert 'class="panel narrow"' in page.text
    assert "Server-Timing".lower() in {k.lower() for k in page.headers}


async def test_wrong_password_is_explained_in_finnish(browser: Browser, make: Factory) -> None:
    await make.person("alice")
    wrong = await browser.post(
        "/auth/sign_in", {"login": "alice", "password": "nope-nope"}, headers=FI
    )
    assert wrong.status_code == 401
    assert fi("Invalid email/username or password.") in text_of(wrong.text)
    assert "Invalid email/username" not in wrong.text
    right = await browser.post("/auth/sign_in", {"login": "alice", "password": PASSWORD})
    assert right.status_code == 303


async def test_consent_page_in_finnish_lists_scopes_in_words(
    browser: Browser, make: Factory
) -> None:
    await make.person("alice")
    app = await register(browser.client)
    query = {
        "client_id": app["client_id"],
        "redirect_uri": "https://app.example/cb",
        "response_type": "code",
        "scope": "read write",
        "state": "s1",
    }
    page = await browser.get("/oauth/authorize", params=query, headers=FI)
    assert page.status_code == 200
    assert fi("Authorization required") in page.text
    assert "Kahviappi" in page.text
    signed = await browser.post(
        "/oauth/authorize", {**query, "login": "alice", "password": PASSWORD}, headers=FI
    )
    assert signed.status_code == 200
    words = text_of(signed.text)
    assert fi("You are signed in as %(name)s.") % {"name": "@alice"} in words
    assert fi("See everything in your account: posts, follows, notifications and lists") in words
    assert fi("Authorize") in words and fi("Deny") in words
    denied = await browser.post("/oauth/authorize", {**query, "decision": "deny"}, headers=FI)
    assert denied.status_code == 302
    back = parse_qs(urlsplit(denied.headers["location"]).query)
    assert back["error"] == ["access_denied"]


async def test_unknown_client_is_a_readable_finnish_error(browser: Browser) -> None:
    page = await browser.get(
        "/oauth/authorize", params={"client_id": "nobody", "response_type": "code"}, headers=FI
    )
    assert page.status_code == 400
    assert fi("This app is not registered on this server.") in page.text
    assert "Client authentication failed" not in page.text


async def test_out_of_band_denial_is_a_page_in_the_readers_language(
    browser: Browser, make: Factory
) -> None:
    await make.person("alice", locale="fi")  # the person's setting wins over the browser's
    oob = "urn:ietf:wg:oauth:2.0:oob"
    app = await register(browser.client, redirect=oob)
    query = {"client_id": app["client_id"], "redirect_uri": oob, "response_type": "code"}
    await browser.post("/auth/sign_in", {"login": "alice", "password": PASSWORD})
    page = await browser.post("/oauth/authorize", {**query, "decision": "deny"})
    assert page.status_code == 400
    assert fi("You denied the app access. You can close this page.") in page.text


async def test_using_the_web_app_counts_as_being_seen(
    services: Services, make: Factory, signed_in: Any
) -> None:
    """Fan-out skips followers not seen for a week: a reader who only uses the web app must
    count as seen."""
    carol = await make.person("carol")
    long_ago = now() - timedelta(days=30)
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account).where(Account.id == carol.account.id).values(last_active_at=long_ago)
        )
    page = await (await signed_in(carol)).get("/home")
    assert page.status_code == 200
    async with services.db.read() as session:
        seen = await session.scalar(
            select(Account.last_active_at).where(Account.id == carol.account.id)
        )
    assert seen is not None and seen > now() - timedelta(minutes=1)
