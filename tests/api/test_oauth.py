"""OAuth 2: app registration, the consent page, every grant, PKCE, scopes and revocation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from porina.accounts.models import OAuthCode
from porina.accounts.tokens import digest
from porina.core.clock import now
from porina.services import Services
from tests.factories import Factory, Person

REDIRECT = "https://app.example/callback"
PASSWORD = "correct horse battery"
AUTH_FIELDS = {
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
}


async def register(
    client: httpx.AsyncClient,
    scopes: str = "read write follow",
    redirect: str | list[str] = REDIRECT,
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/apps",
        json={
            "client_name": "Test app",
            "redirect_uris": redirect,
            "scopes": scopes,
            "website": "https://app.example",
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def csrf_of(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def hidden_fields(html: str) -> dict[str, str]:
    """The authorization request the consent form carries along (not other forms' fields)."""
    found = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return {k: v for k, v in found.items() if k in AUTH_FIELDS}


async def grant_code(
    client: httpx.AsyncClient,
    app: dict[str, Any],
    person: Person,
    *,
    scope: str = "read",
    **extra: str,
) -> str:
    """Walk the consent page as a browser would and return the code from the redirect."""
    query = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": scope,
        "state": "xyz",
        **extra,
    }
    page = await client.get("/oauth/authorize", params=query)
    assert page.status_code == 200
    signed_in = page
    if 'name="password"' in page.text:  # not signed in yet: the same page asks for credentials
        signed_in = await client.post(
            "/oauth/authorize",
            data={
                **hidden_fields(page.text),
                "_csrf_token": csrf_of(page.text),
                "login": person.user.email,
                "password": PASSWORD,
            },
        )
        assert signed_in.status_code == 200, signed_in.text
    assert 'name="password"' not in signed_in.text
    assert "Authorize" in signed_in.text and scope.split(maxsplit=1)[0] in signed_in.text
    decided = await client.post(
        "/oauth/authorize",
        data={
            **hidden_fields(signed_in.text),
            "_csrf_token": csrf_of(signed_in.text),
            "decision": "authorize",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 302, decided.text
    location = urlsplit(decided.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query_back = parse_qs(location.query)
    assert query_back["state"] == ["xyz"]
    return query_back["code"][0]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


async def test_registering_an_app_returns_its_credentials(client: httpx.AsyncClient) -> None:
    app = await register(client, redirect=[REDIRECT, "urn:ietf:wg:oauth:2.0:oob"])
    assert app["client_id"] and app["client_secret"]
    assert app["redirect_uris"] == [REDIRECT, "urn:ietf:wg:oauth:2.0:oob"]
    assert app["scopes"] == ["follow", "read", "write"]
    assert app["vapid_key"]  # the instance's Web Push key (tests/api/test_push.py)
    token = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read",
        },
    )
    verified = await client.get(
        "/api/v1/apps/verify_credentials",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert verified.status_code == 200
    assert verified.json()["name"] == "Test app"
    assert "client_secret" not in verified.json()


async def test_app_with_unknown_scope_or_no_redirect_is_refused(client: httpx.AsyncClient) -> None:
    bad_scope = await client.post(
        "/api/v1/apps", data={"client_name": "x", "redirect_uris": REDIRECT, "scopes": "read sudo"}
    )
    assert bad_scope.status_code == 422
    no_redirect = await client.post("/api/v1/apps", data={"client_name": "x", "redirect_uris": ""})
    assert no_redirect.status_code == 422


async def test_consent_flow_issues_a_code_that_buys_one_token(
    client: httpx.AsyncClient, make: Factory
) -> None:
    alice = await make.person("alice")
    app = await register(client)
    code = await grant_code(client, app, alice, scope="read write")
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
    }
    response = await client.post("/oauth/token", data=exchange)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "read write"
    assert isinstance(body["created_at"], int)
    me = await client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert me.status_code == 200 and me.json()["username"] == "alice"
    again = await client.post("/oauth/token", data=exchange)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


async def test_pkce_code_needs_the_right_verifier(client: httpx.AsyncClient, make: Factory) -> None:
    alice = await make.person("alice")
    app = await register(client)
    verifier, challenge = pkce_pair()
    code = await grant_code(
        client, app, alice, code_challenge=challenge, code_challenge_method="S256"
    )
    wrong = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app["client_id"],
            "code_verifier": secrets.token_urlsafe(48),
        },
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code = await grant_code(
        client, app, alice, code_challenge=challenge, code_challenge_method="S256"
    )
    right = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app["client_id"],
            "code_verifier": verifier,
        },
    )
    assert right.status_code == 200, right.text


async def test_a_code_used_twice_revokes_the_token_its_first_use_bought(
    client: httpx.AsyncClient, make: Factory
) -> None:
    """RFC 6749 4.1.2: someone else may hold a copy of a code presented twice."""
    alice = await make.person("alice")
    app = await register(client)
    verifier, challenge = pkce_pair()
    code = await grant_code(
        client, app, alice, code_challenge=challenge, code_challenge_method="S256"
    )
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app["client_id"],
        "code_verifier": verifier,
    }
    first = await client.post("/oauth/token", data=exchange)
    assert first.status_code == 200, first.text
    headers = {"Authorization": f"Bearer {first.json()['access_token']}"}
    me = "/api/v1/accounts/verify_credentials"
    assert (await client.get(me, headers=headers)).status_code == 200
    second = await client.post("/oauth/token", data=exchange)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert (await client.get(me, headers=headers)).status_code == 401
    third = await client.post("/oauth/token", data=exchange)
    assert third.status_code == 400 and third.json()["error"] == "invalid_grant"
    other = await grant_code(client, app, alice)  # alice's other apps' tokens are untouched
    fresh = await client.post(
        "/oauth/token",
        data={**exchange, "code": other, "client_secret": app["client_secret"]},
    )
    assert fresh.status_code == 200, fresh.text


async def test_pkce_takes_s256_only_as_mastodon_does(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    app = await register(client)
    verifier = secrets.token_urlsafe(48)
    base = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "read",
        "state": "xyz",
        "code_challenge": verifier,
    }
    for method in ({"code_challenge_method": "plain"}, {}):  # no method means plain
        refused = await client.get(
            "/oauth/authorize", params={**base, **method}, follow_redirects=False
        )
        assert refused.status_code == 302, refused.text
        back = parse_qs(urlsplit(refused.headers["location"]).query)
        assert back["error"] == ["invalid_request"] and back["state"] == ["xyz"]
        assert back["error_description"] == ["The code challenge method must be S256."]
    metadata = (await client.get("/.well-known/oauth-authorization-server")).json()
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    # A plain code issued by an earlier release (codes live 10 minutes) buys no token either.
    code = secrets.token_urlsafe(32)
    async with services.db.transaction() as tx:
        tx.session.add(
            OAuthCode(
                code_hash=digest(code),
                app_id=int(app["id"]),
                user_id=alice.user.id,
                redirect_uri=REDIRECT,
                scopes="read",
                code_challenge=verifier,
                code_challenge_method="plain",
                expires_at=now() + timedelta(minutes=10),
            )
        )
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app["client_id"],
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_code_for_another_redirect_uri_is_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    alice = await make.person("alice")
    app = await register(client, redirect=[REDIRECT, "https://other.example/cb"])
    code = await grant_code(client, app, alice)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://other.example/cb",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_denying_consent_redirects_with_access_denied(
    client: httpx.AsyncClient, make: Factory
) -> None:
    await make.person("alice")
    app = await register(client)
    query = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "state": "s1",
    }
    page = await client.get("/oauth/authorize", params=query)
    signed_in = await client.post(
        "/oauth/authorize",
        data={
            **hidden_fields(page.text),
            "_csrf_token": csrf_of(page.text),
            "login": "alice",
            "password": PASSWORD,
        },
    )
    denied = await client.post(
        "/oauth/authorize",
        data={
            **hidden_fields(signed_in.text),
            "_csrf_token": csrf_of(signed_in.text),
            "decision": "deny",
        },
        follow_redirects=False,
    )
    assert denied.status_code == 302
    back = parse_qs(urlsplit(denied.headers["location"]).query)
    assert back["error"] == ["access_denied"] and back["state"] == ["s1"]


async def test_consent_page_refuses_unknown_client_and_wrong_password(
    client: httpx.AsyncClient, make: Factory
) -> None:
    await make.person("alice")
    unknown = await client.get(
        "/oauth/authorize", params={"client_id": "nope", "redirect_uri": REDIRECT}
    )
    assert unknown.status_code == 400
    app = await register(client)
    page = await client.get(
        "/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": REDIRECT}
    )
    wrong = await client.post(
        "/oauth/authorize",
        data={
            **hidden_fields(page.text),
            "_csrf_token": csrf_of(page.text),
            "login": "alice",
            "password": "wrong password",
        },
    )
    assert wrong.status_code == 401
    assert "Invalid email/username or password" in wrong.text
    no_csrf = await client.post(
        "/oauth/authorize",
        data={**hidden_fields(page.text), "login": "alice", "password": PASSWORD},
    )
    assert no_csrf.status_code == 403


async def test_scope_beyond_the_app_is_refused(client: httpx.AsyncClient, make: Factory) -> None:
    await make.person("alice")
    app = await register(client, scopes="read")
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": PASSWORD,
            "scope": "read write",
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    page = await client.get(
        "/oauth/authorize",
        params={
            "client_id": app["client_id"],
            "redirect_uri": REDIRECT,
            "scope": "write",
            "state": "q",
        },
        follow_redirects=False,
    )
    assert page.status_code == 302
    assert parse_qs(urlsplit(page.headers["location"]).query)["error"] == ["invalid_scope"]


async def test_password_grant_accepts_email_or_username(
    client: httpx.AsyncClient, make: Factory
) -> None:
    await make.person("alice")
    app = await register(client)
    for login in ("alice", "alice@example.com", "ALICE"):
        response = await client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "username": login,
                "password": PASSWORD,
                "scope": "read write",
            },
        )
        assert response.status_code == 200, response.text
    wrong = await client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": "nope nope nope",
        },
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    bad_client = await client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": "wrong",
            "username": "alice",
            "password": PASSWORD,
        },
    )
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    unsupported = await client.post("/oauth/token", data={"grant_type": "implicit"})
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"


async def test_read_only_token_cannot_write(client: httpx.AsyncClient, make: Factory) -> None:
    await make.person("alice")
    bob = await make.person("bob")
    app = await register(client)
    token = (
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "username": "alice",
                "password": PASSWORD,
                "scope": "read",
            },
        )
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    ).status_code == 200
    follow = await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=headers)
    assert follow.status_code == 403


async def test_client_credentials_token_has_no_user(client: httpx.AsyncClient) -> None:
    app = await register(client)
    token = (
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
    ).json()["access_token"]
    me = await client.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code in {401, 422}


async def test_revoked_token_stops_working(client: httpx.AsyncClient, make: Factory) -> None:
    await make.person("alice")
    app = await register(client)
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    token = (
        await client.post(
            "/oauth/token",
            data={"grant_type": "password", **creds, "username": "alice", "password": PASSWORD},
        )
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    ).status_code == 200
    revoked = await client.post("/oauth/revoke", data={**creds, "token": token})
    assert revoked.status_code == 200 and revoked.json() == {}
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    ).status_code == 401


async def test_authorization_server_metadata(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    body = response.json()
    assert body["token_endpoint"] == "http://testserver.local/oauth/token"
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert "read:accounts" in body["scopes_supported"]
    assert body["app_registration_endpoint"].endswith("/api/v1/apps")


async def test_sign_in_page_sets_a_session(client: httpx.AsyncClient, make: Factory) -> None:
    await make.person("alice")
    page = await client.get("/auth/sign_in")
    assert page.status_code == 200
    response = await client.post(
        "/auth/sign_in",
        data={
            "_csrf_token": csrf_of(page.text),
            "login": "alice",
            "password": PASSWORD,
            "next": "//evil",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    signed = await client.get("/auth/sign_in")
    assert "signed in as" in signed.text
    out = await client.post(
        "/auth/sign_out", data={"_csrf_token": csrf_of(signed.text)}, follow_redirects=False
    )
    assert out.status_code == 303
    assert "signed in as" not in (await client.get("/auth/sign_in")).text
