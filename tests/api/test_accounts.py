"""Accounts API: sign-up, credentials, profile updates, reading accounts, preferences."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image

from porina.accounts.models import Account
from porina.core.clock import now
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory


async def app_token(client: httpx.AsyncClient, scopes: str = "read write follow") -> str:
    app = (
        await client.post(
            "/api/v1/apps",
            json={
                "client_name": "Signup",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": scopes,
            },
        )
    ).json()
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": scopes,
        },
    )
    token: str = response.json()["access_token"]
    return token


def signup(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "long enough pw",
        "agreement": "1",
        "locale": "en",
        **overrides,
    }


async def test_sign_up_with_an_app_token_returns_a_working_token(client: httpx.AsyncClient) -> None:
    token = await app_token(client)
    response = await client.post(
        "/api/v1/accounts", data=signup(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "follow read write"
    me = await client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert me.status_code == 200 and me.json()["username"] == "newbie"


async def test_sign_up_refuses_taken_names_missing_agreement_and_no_token(
    client: httpx.AsyncClient, make: Factory
) -> None:
    await make.person("alice")
    headers = {"Authorization": f"Bearer {await app_token(client)}"}
    taken = await client.post("/api/v1/accounts", data=signup(username="ALICE"), headers=headers)
    assert taken.status_code == 422
    no_agreement = await client.post(
        "/api/v1/accounts", data=signup(agreement="0"), headers=headers
    )
    assert no_agreement.status_code == 422
    short = await client.post("/api/v1/accounts", data=signup(password="short"), headers=headers)
    assert short.status_code == 422
    anonymous = await client.post("/api/v1/accounts", data=signup())
    assert anonymous.status_code == 401


async def test_sign_up_is_refused_when_registrations_are_closed(
    settings: Settings, services: Services, client: httpx.AsyncClient
) -> None:
    services.settings = settings.with_(registrations="closed")
    headers = {"Authorization": f"Bearer {await app_token(client)}"}
    response = await client.post("/api/v1/accounts", data=signup(), headers=headers)
    assert response.status_code == 403
    assert "error" in response.json()


async def test_verify_credentials_has_source_and_role(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 200
    body = response.json()
    assert body["source"]["privacy"] == "public"
    assert body["source"]["follow_requests_count"] == 0
    assert body["role"]["name"] == ""
    assert body["acct"] == "alice"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def test_update_credentials_changes_profile_and_resizes_avatar(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    response = await alice.patch(
        "/api/v1/accounts/update_credentials",
        data={
            "display_name": "Alice A.",
            "note": "Hi <script>x</script>\nsee https://example.org/a",
            "locked": "true",
            "bot": "1",
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://alice.example",
            "source[privacy]": "unlisted",
            "source[sensitive]": "true",
            "source[language]": "fi",
        },
        files={"avatar": ("a.png", png(800, 600), "image/png")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["display_name"] == "Alice A."
    assert "<script>" not in body["note"] and "&lt;script&gt;" in body["note"]
    assert '<a href="https://example.org/a"' in body["note"] and "<br>" in body["note"]
    assert body["locked"] is True and body["bot"] is True
    assert body["fields"][0]["name"] == "Site" and "href" in body["fields"][0]["value"]
    assert body["source"]["fields"][0]["value"] == "https://alice.example"
    assert body["source"]["note"].startswith("Hi <script>")
    assert body["source"]["privacy"] == "unlisted" and body["source"]["sensitive"] is True
    assert body["source"]["language"] == "fi"
    assert body["avatar"].startswith("http://testserver.local/media/accounts/")
    path = body["avatar"].removeprefix("http://testserver.local/media/")
    with Image.open(services.settings.media_dir / path) as stored:
        assert stored.size == (400, 400)
    served = await alice.client.get(body["avatar"].removeprefix("http://testserver.local"))
    assert served.status_code == 200
    prefs = (await alice.get("/api/v1/preferences")).json()
    assert prefs["posting:default:visibility"] == "unlisted"
    assert prefs["posting:default:language"] == "fi"


async def test_update_credentials_refuses_bad_input_with_422(make: Factory) -> None:
    alice = await make.person("alice")
    too_long = await alice.patch(
        "/api/v1/accounts/update_credentials", data={"display_name": "x" * 31}
    )
    assert too_long.status_code == 422
    not_image = await alice.patch(
        "/api/v1/accounts/update_credentials",
        files={"avatar": ("a.png", b"not an image", "image/png")},
    )
    assert not_image.status_code == 422
    fields = {f"fields_attributes[{i}][name]": f"n{i}" for i in range(5)}
    too_many = await alice.patch("/api/v1/accounts/update_credentials", data=fields)
    assert too_many.status_code == 422
    privacy = await alice.patch(
        "/api/v1/accounts/update_credentials", data={"source[privacy]": "secret"}
    )
    assert privacy.status_code == 422


async def test_accounts_can_be_read_by_id_list_and_lookup(
    client: httpx.AsyncClient, make: Factory
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    one = await client.get(f"/api/v1/accounts/{alice.id}")
    assert one.status_code == 200 and one.json()["username"] == "alice"
    many = await client.get("/api/v1/accounts", params={"id[]": [bob.id, alice.id, "999"]})
    assert [a["username"] for a in many.json()] == ["bob", "alice"]
    for acct in ("alice", "@alice", "alice@testserver.local"):
        found = await client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert found.status_code == 200 and found.json()["id"] == alice.id
    assert (
        await client.get("/api/v1/accounts/lookup", params={"acct": "nobody"})
    ).status_code == 404


async def test_invalid_or_unknown_account_ids_are_404(
    client: httpx.AsyncClient, make: Factory
) -> None:
    alice = await make.person("alice")
    for bad in ("abc", "-1", "99999999999999999999999", "123"):
        response = await client.get(f"/api/v1/accounts/{bad}")
        assert response.status_code == 404, bad
        assert response.json() == {"error": "Record not found"}
        assert (await alice.post(f"/api/v1/accounts/{bad}/follow")).status_code == 404
        assert (await alice.get(f"/api/v1/accounts/{bad}/followers")).status_code == 404


async def test_suspended_account_is_404_for_others(
    make: Factory, services: Services, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    async with services.db.transaction() as tx:
        row = await tx.session.get(Account, alice.account.id)
        assert row is not None
        row.suspended_at = now()
    assert (await client.get(f"/api/v1/accounts/{alice.id}")).status_code == 404
    assert (await bob.post(f"/api/v1/accounts/{alice.id}/follow")).status_code == 404
    assert (
        await client.get("/api/v1/accounts/lookup", params={"acct": "alice"})
    ).status_code == 404


async def test_preferences_have_mastodon_keys(make: Factory) -> None:
    alice = await make.person("alice")
    body = (await alice.get("/api/v1/preferences")).json()
    assert body["posting:default:visibility"] == "public"
    assert body["posting:default:sensitive"] is False
    assert body["reading:expand:media"] == "default"
    assert body["reading:expand:spoilers"] is False
