"""The instance's privacy policy, terms of service, languages, translation languages, domain
blocks and announcement actions, as Mastodon answers them."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from porina.app import create_app
from porina.services import Services

from ..factories import Factory
from ..support.openapi import assert_response


async def test_privacy_policy_is_porinas_default_naming_the_instance_and_its_contact(
    client: httpx.AsyncClient,
) -> None:
    body = assert_response(
        await client.get("/api/v1/instance/privacy_policy"), "/api/v1/instance/privacy_policy"
    )
    assert "Porina" in body["content"] and "admin@localhost" in body["content"]
    assert body["content"].startswith("<p>")


async def _client_with(services: Services, **changes: str) -> AsyncTestClient[Litestar]:
    services.settings = dataclasses.replace(services.settings, **changes)
    return AsyncTestClient(create_app(services=services), base_url="http://testserver.local")


async def test_privacy_policy_and_terms_come_from_the_operators_files(
    services: Services, tmp_path: Path
) -> None:
    policy = tmp_path / "privacy.html"
    policy.write_text("<p>We keep nothing.</p>", encoding="utf-8")
    terms = tmp_path / "terms.html"
    terms.write_text("<p>Be kind.</p>", encoding="utf-8")
    moment = datetime(2025, 4, 15, 12, tzinfo=UTC).timestamp()
    os.utime(terms, (moment, moment))
    os.utime(policy, (moment, moment))
    async with await _client_with(
        services, privacy_policy_file=str(policy), terms_of_service_file=str(terms)
    ) as client:
        body = assert_response(
            await client.get("/api/v1/instance/privacy_policy"), "/api/v1/instance/privacy_policy"
        )
        assert body == {"updated_at": "2025-04-15T12:00:00.000Z", "content": policy.read_text()}
        tos = "/api/v1/instance/terms_of_service"
        body = assert_response(await client.get(tos), tos)
        assert body["content"] == "<p>Be kind.</p>"
        assert (body["effective_date"], body["effective"]) == ("2025-04-15", True)
        on_day = assert_response(await client.get(f"{tos}/2025-04-15"), tos + "/{date}")
        assert on_day == body
        other = await client.get(f"{tos}/2025-04-16")
        assert (other.status_code, other.json()) == (404, {"error": "Record not found"})
        assert (await client.get(f"{tos}/not-a-date")).status_code == 404


async def test_no_terms_of_service_is_a_404_as_mastodon(client: httpx.AsyncClient) -> None:
    for path in (
        "/api/v1/instance/terms_of_service",
        "/api/v1/instance/terms_of_service/2025-01-01",
    ):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})


async def test_languages_translation_languages_and_domain_blocks(client: httpx.AsyncClient) -> None:
    languages = (await client.get("/api/v1/instance/languages")).json()
    codes = {language["code"]: language["name"] for language in languages}
    assert codes["fi"] == "Finnish" and codes["en"] == "English"
    translation = "/api/v1/instance/translation_languages"
    assert assert_response(await client.get(translation), translation) == {}
    blocks = "/api/v1/instance/domain_blocks"
    assert assert_response(await client.get(blocks), blocks) == []


async def test_announcement_actions_name_nothing(make: Factory, client: httpx.AsyncClient) -> None:
    alice = await make.person("alice")
    for response in (
        await alice.post("/api/v1/announcements/1/dismiss"),
        await alice.put("/api/v1/announcements/1/reactions/%F0%9F%91%8D"),
        await alice.delete("/api/v1/announcements/1/reactions/%F0%9F%91%8D"),
    ):
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
    anonymous = await client.post("/api/v1/announcements/1/dismiss")
    assert anonymous.status_code == 401
