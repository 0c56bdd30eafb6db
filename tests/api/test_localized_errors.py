"""API errors speak the client's language: ``Accept-Language`` first, then the signed-in
person's setting, else English; the status and OAuth's ``error`` code never change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from litestar.testing import AsyncTestClient

from porina.api.mastodon.localized import CATALOGS, TEMPLATES, localize
from porina.app import create_app
from porina.services import build
from porina.settings import Settings

from ..factories import Factory, Person
from .test_oauth import REDIRECT, register

FI = {"Accept-Language": "fi"}


async def asking(person: Person, path: str, languages: str) -> httpx.Response:
    return await person.client.get(path, headers={**person.headers, "Accept-Language": languages})


async def test_a_validation_error_is_finnish_when_the_client_asks_for_finnish(
    make: Factory,
) -> None:
    alice = await make.person("alice")
    english = await alice.post("/api/v1/statuses", json={"status": ""})
    finnish = await alice.client.post(
        "/api/v1/statuses", json={"status": ""}, headers={**alice.headers, **FI}
    )
    assert english.status_code == finnish.status_code == 422
    assert english.json() == {"error": "Validation failed: Text can't be blank"}
    assert finnish.json() == {"error": "Validointi epäonnistui: Teksti ei voi olla tyhjä"}
    assert finnish.headers["content-language"] == "fi"
    assert "accept-language" in finnish.headers["vary"].lower()


async def test_a_field_named_in_a_template_is_translated_with_it(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.client.post(
        "/api/v1/lists", json={"title": ""}, headers={**alice.headers, **FI}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "Validointi epäonnistui: Otsikko ei voi olla tyhjä"


async def test_accept_language_qualities_choose_the_language(make: Factory) -> None:
    alice = await make.person("alice")
    path = "/api/v1/statuses/123456789"
    prefers_fi = await asking(alice, path, "en-US;q=0.5, fi-FI;q=0.9")
    prefers_en = await asking(alice, path, "sv, en;q=0.8, fi;q=0.1")
    assert prefers_fi.status_code == prefers_en.status_code == 404
    assert prefers_fi.json() == {"error": "Tietuetta ei löytynyt"}
    assert prefers_en.json() == {"error": "Record not found"}


async def test_the_signed_in_persons_language_applies_without_accept_language(
    make: Factory,
) -> None:
    aino = await make.person("aino", locale="fi")
    path = "/api/v1/statuses/123456789"
    assert (await aino.get(path)).json() == {"error": "Tietuetta ei löytynyt"}
    asked = await asking(aino, path, "en")
    assert asked.json() == {"error": "Record not found"}


async def test_token_and_scope_errors_are_localized(
    make: Factory, client: httpx.AsyncClient
) -> None:
    invalid = await client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": "Bearer nope", **FI},
    )
    assert invalid.status_code == 401
    assert invalid.json() == {"error": "Käyttöoikeustunnus on virheellinen"}
    reader = await make.person("reader", scopes="read")
    refused = await reader.client.post(
        "/api/v1/statuses", json={"status": "hi"}, headers={**reader.headers, **FI}
    )
    assert refused.status_code == 403
    assert refused.json() == {"error": "Tämä toiminto ei kuulu myönnettyihin käyttöoikeuksiin"}


async def test_oauth_keeps_its_error_code_and_localizes_the_description(
    client: httpx.AsyncClient,
) -> None:
    app = await register(client)
    exchange = {
        "grant_type": "authorization_code",
        "code": "not-a-code",
        "redirect_uri": REDIRECT,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
    }
    english = await client.post("/oauth/token", data=exchange)
    finnish = await client.post("/oauth/token", data=exchange, headers=FI)
    assert english.status_code == finnish.status_code == 400
    assert english.json()["error"] == finnish.json()["error"] == "invalid_grant"
    assert english.json()["error_description"].startswith("The provided authorization grant")
    assert finnish.json()["error_description"].startswith("Annettu valtuutus on virheellinen")


async def test_pages_and_successes_are_left_alone(make: Factory) -> None:
    alice = await make.person("alice")
    posted = await alice.client.post(
        "/api/v1/statuses", json={"status": "Hello"}, headers={**alice.headers, **FI}
    )
    assert posted.status_code == 200
    assert posted.json()["content"] == "<p>Hello</p>"
    assert "content-language" not in posted.headers


def test_messages_the_catalog_lacks_stay_english_and_values_stay_as_sent() -> None:
    assert localize("Too many requests", "fi") == "Liikaa pyyntöjä"
    assert localize("Something new went wrong", "fi") == "Something new went wrong"
    assert (
        localize("Validation failed: Text character limit of 500 exceeded", "fi")
        == "Validointi epäonnistui: Tekstin 500 merkin raja ylittyi"
    )
    assert (
        localize("Validation failed: limit is out of range", "fi")
        == "Validointi epäonnistui: limit on sallitun alueen ulkopuolella"
    )
    assert localize("Record not found", "en") == "Record not found"


def test_the_api_catalog_translates_every_template_and_is_compiled() -> None:
    po = Path(CATALOGS) / "fi/LC_MESSAGES/api.po"
    with po.open("rb") as f:
        source = {m.id: m.string for m in read_po(f, locale="fi") if m.id}
    with po.with_suffix(".mo").open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == source, "run pybabel compile -d src/porina/api/locale -D api"
    wanted = {template for _pattern, template in TEMPLATES} | {"Validation failed: %(details)s"}
    assert sorted(wanted - {k for k, v in source.items() if v}) == []


async def test_the_rate_limiters_429_is_localized_with_its_headers(settings: Settings) -> None:
    limited = replace(settings, rate_limits=True, rate_limit_per_5min=1)
    svc = build(limited, pooled=not settings.database_url.startswith("postgresql"))
    app = create_app(services=svc)
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        assert (await client.get("/api/v2/instance")).status_code == 200
        refused = await client.get("/api/v2/instance", headers=FI)
        if refused.status_code == 200:  # the fixed 5-minute window turned between the two
            refused = await client.get("/api/v2/instance", headers=FI)
    await svc.stop()
    assert refused.status_code == 429
    assert refused.json() == {"error": "Liikaa pyyntöjä"}
    assert refused.headers["X-RateLimit-Remaining"] == "0"
