from __future__ import annotations

import httpx

from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import CustomEmoji
from porina.services import Services

from ..factories import Factory
from ..support.openapi import assert_response


async def test_instance_reports_mastodon_compatible_version(client: httpx.AsyncClient) -> None:
    for path in ("/api/v2/instance", "/api/v2/instance/"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.json()["version"].startswith("4.3.0 (compatible; Porina ")


async def test_unknown_path_answers_in_mastodon_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


async def test_instance_v1_and_v2_match_the_mastodon_schema(client: httpx.AsyncClient) -> None:
    v1 = assert_response(await client.get("/api/v1/instance"), "/api/v1/instance")
    assert v1["urls"]["streaming_api"].startswith("ws://")
    assert v1["configuration"]["statuses"]["max_characters"] == 500
    v2 = assert_response(await client.get("/api/v2/instance"), "/api/v2/instance")
    assert v2["api_versions"] == {"mastodon": 6}
    assert v2["languages"] == ["en", "fi"]
    assert v2["configuration"]["translation"] == {"enabled": False}


async def test_instance_stats_count_local_people(make: Factory, client: httpx.AsyncClient) -> None:
    await make.person("alice")
    await make.person("bob")
    body = (await client.get("/api/v1/instance/")).json()
    assert body["stats"]["user_count"] == 2


async def test_instance_side_endpoints_answer_lists(client: httpx.AsyncClient) -> None:
    for path in (
        "/api/v1/instance/peers",
        "/api/v1/instance/rules",
        "/api/v1/announcements",
        "/api/v1/custom_emojis",
        "/api/v1/instance/activity",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert isinstance(response.json(), list)
    description = await client.get("/api/v1/instance/extended_description")
    assert "content" in description.json()


async def test_custom_emojis_lists_local_emojis(
    services: Services, client: httpx.AsyncClient
) -> None:
    async with services.db.transaction() as tx:  # a row: no action adds custom emojis yet
        tx.session.add(
            CustomEmoji(
                id=new_id(), shortcode="blobcat", image_path="emoji/blobcat.png", created_at=now()
            )
        )
    body = (await client.get("/api/v1/custom_emojis")).json()
    assert [emoji["shortcode"] for emoji in body] == ["blobcat"]
    assert body[0]["url"] == "http://testserver.local/media/emoji/blobcat.png"


async def test_nodeinfo_reports_porina_and_activitypub(client: httpx.AsyncClient) -> None:
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    assert links[0]["href"] == "http://testserver.local/nodeinfo/2.0"
    body = (await client.get("/nodeinfo/2.0")).json()
    assert body["software"]["name"] == "porina"
    assert body["protocols"] == ["activitypub"]
    assert body["openRegistrations"] is True


async def test_megalodon_clients_detect_mastodon_from_either_nodeinfo_document(
    client: httpx.AsyncClient,
) -> None:
    """megalodon (Whalebird, Fedistar) follows the first 2.0 or 2.1 link and, for software it
    does not know by name, speaks Mastodon when ``metadata.upstream.name`` says so."""
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    schema = "http://nodeinfo.diaspora.software/ns/schema/"
    assert [(link["rel"], link["href"]) for link in links] == [
        (f"{schema}2.0", "http://testserver.local/nodeinfo/2.0"),
        (f"{schema}2.1", "http://testserver.local/nodeinfo/2.1"),
    ]
    for version in ("2.0", "2.1"):
        response = await client.get(f"/nodeinfo/{version}")
        assert response.status_code == 200
        assert f'profile="{schema}{version}#"' in response.headers["content-type"]
        body = response.json()
        assert body["version"] == version
        assert body["software"]["name"] == "porina"
        assert body["metadata"]["upstream"] == {"name": "mastodon", "version": "4.3.0"}
    instance = (await client.get("/api/v2/instance")).json()
    assert instance["version"].startswith("4.3.0 (compatible; Porina")
    assert (await client.get("/nodeinfo/1.0")).status_code == 404


async def test_webfinger_finds_local_accounts_and_refuses_others(
    make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("alice")
    response = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:Alice@testserver.local"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jrd+json")
    body = response.json()
    assert body["subject"] == "acct:alice@testserver.local"
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert rels["self"] == "http://testserver.local/users/alice"
    assert rels["http://webfinger.net/rel/profile-page"] == "http://testserver.local/@alice"
    missing = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:nobody@testserver.local"}
    )
    assert missing.status_code == 404
    elsewhere = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:alice@other.example"}
    )
    assert elsewhere.status_code == 404
    assert (await client.get("/.well-known/webfinger")).status_code == 400


async def test_host_meta_points_at_webfinger(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/host-meta")
    assert response.status_code == 200
    assert "/.well-known/webfinger?resource={uri}" in response.text
