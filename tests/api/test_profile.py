"""/api/v1/profile (Mastodon 4.6), removing the avatar and header (4.2), and the default quote
policy in the credential account's source (4.5)."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from ..factories import Factory
from ..support.openapi import assert_response

PROFILE = "/api/v1/profile"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 120, 30)).save(out, format="PNG")
    return out.getvalue()


async def test_profile_has_the_source_of_every_editable_field(make: Factory) -> None:
    alice = await make.person("alice")
    await alice.patch(
        "/api/v1/accounts/update_credentials",
        json={
            "note": "Hello https://example.com",
            "fields_attributes": [{"name": "web", "value": "https://a.example"}],
        },
    )
    body = assert_response(await alice.get(PROFILE), PROFILE)
    assert body["note"] == "Hello https://example.com"
    assert body["fields"][0]["value"] == "https://a.example"
    assert body["avatar"] is None and body["header"] is None
    assert (body["show_featured"], body["show_media"], body["show_media_replies"]) == (
        True,
        True,
        True,
    )


async def test_patching_the_profile_changes_it_and_keeps_the_tab_settings(make: Factory) -> None:
    alice = await make.person("alice")
    changed = await alice.patch(
        PROFILE,
        json={
            "display_name": "Alice A.",
            "locked": True,
            "show_media": False,
            "avatar_description": "A green square",
        },
    )
    body = assert_response(changed, PROFILE, "patch")
    assert (body["display_name"], body["locked"], body["show_media"]) == ("Alice A.", True, False)
    assert body["avatar_description"] == "A green square"
    again = (await alice.get(PROFILE)).json()
    assert again == body
    account = (await alice.get(f"/api/v1/accounts/{alice.id}")).json()
    assert (account["display_name"], account["locked"]) == ("Alice A.", True)
    too_long = await alice.patch(PROFILE, json={"header_description": "x" * 1501})
    assert too_long.status_code == 422


async def test_removing_the_avatar_and_header_shows_the_defaults(make: Factory) -> None:
    alice = await make.person("alice")
    uploaded = await alice.patch(
        "/api/v1/accounts/update_credentials",
        files={"avatar": ("a.png", png(), "image/png"), "header": ("h.png", png(), "image/png")},
    )
    assert "/media/accounts/" in uploaded.json()["avatar"]
    assert (await alice.get(PROFILE)).json()["avatar"].startswith("http://testserver.local/media/")
    gone = await alice.delete("/api/v1/profile/avatar")
    body = assert_response(gone, "/api/v1/profile/avatar", "delete")
    assert "/media/accounts/" not in body["avatar"]
    assert "/media/accounts/" in body["header"]
    body = assert_response(
        await alice.delete("/api/v1/profile/header"), "/api/v1/profile/header", "delete"
    )
    assert "/media/accounts/" not in body["header"]
    profile = (await alice.get(PROFILE)).json()
    assert (profile["avatar"], profile["header"]) == (None, None)
    assert (await alice.delete("/api/v1/profile/avatar")).status_code == 200


async def test_the_profile_is_only_ones_own(client: httpx.AsyncClient) -> None:
    assert (await client.get(PROFILE)).status_code == 401
    assert (await client.patch(PROFILE, json={"display_name": "x"})).status_code == 401
    assert (await client.delete("/api/v1/profile/avatar")).status_code == 401


async def test_default_quote_policy_is_set_through_update_credentials(make: Factory) -> None:
    alice = await make.person("alice")
    mine = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert mine["source"]["quote_policy"] == "public"
    changed = await alice.patch(
        "/api/v1/accounts/update_credentials", json={"source": {"quote_policy": "followers"}}
    )
    assert changed.status_code == 200
    assert changed.json()["source"]["quote_policy"] == "followers"
    again = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert again["source"]["quote_policy"] == "followers"
    prefs = (await alice.get("/api/v1/preferences")).json()
    assert prefs["posting:default:quote_policy"] == "followers"
    bad = await alice.patch(
        "/api/v1/accounts/update_credentials", json={"source": {"quote_policy": "everyone"}}
    )
    assert bad.status_code == 422
