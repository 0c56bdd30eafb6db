"""What the accounts, OAuth and graph endpoints serve matches Mastodon's published schemas."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.support.openapi import assert_component


async def test_account_shapes_match_the_mastodon_schema(
    client: httpx.AsyncClient, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.follow(bob)
    me = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert_component(me, "CredentialAccount")
    assert_component((await client.get(f"/api/v1/accounts/{bob.id}")).json(), "Account")
    rels = (await alice.get("/api/v1/accounts/relationships", params={"id[]": bob.id})).json()
    assert_component(rels, "Relationship", many=True)
    familiar = (
        await alice.get("/api/v1/accounts/familiar_followers", params={"id[]": bob.id})
    ).json()
    assert_component(familiar, "FamiliarFollowers", many=True)
    assert_component((await alice.get("/api/v1/preferences")).json(), "Preferences")


async def test_app_and_token_shapes_match_the_mastodon_schema(client: httpx.AsyncClient) -> None:
    app = (
        await client.post(
            "/api/v1/apps",
            json={
                "client_name": "Shape",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read",
            },
        )
    ).json()
    assert_component(app, "CredentialApplication")
    token = (
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
    ).json()
    assert_component(token, "Token")
    verified = await client.get(
        "/api/v1/apps/verify_credentials",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert_component(verified.json(), "Application")
