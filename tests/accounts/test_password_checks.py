"""Password entry points do the same work whether or not the login names someone: a login
nobody has is checked against a hash like everyone's, once, as a wrong password is, so the
time of the answer does not tell who has an account. Counted, not timed: the checks are
spied on in the passwords module."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from argon2 import extract_parameters

from porina.accounts import passwords
from tests.factories import Factory
from tests.web.conftest import Browser

REDIRECT = "https://app.example/cb"
Attempt = Callable[[str, str], Awaitable[httpx.Response]]


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes each password check ran against, in order."""
    seen: list[str] = []
    real = passwords.verify

    async def spy(hashed: str, password: str) -> bool:
        seen.append(hashed)
        return await real(hashed, password)

    monkeypatch.setattr(passwords, "verify", spy)
    return seen


async def _entry_points(client: httpx.AsyncClient) -> dict[str, Attempt]:
    app = (
        await client.post(
            "/api/v1/apps",
            json={"client_name": "Kahviappi", "redirect_uris": REDIRECT, "scopes": "read"},
        )
    ).json()
    browser = Browser(client)

    async def web_sign_in(login: str, password: str) -> httpx.Response:
        return await browser.post("/auth/sign_in", {"login": login, "password": password})

    async def consent_sign_in(login: str, password: str) -> httpx.Response:
        request: dict[str, Any] = {
            "client_id": app["client_id"],
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "read",
        }
        return await browser.post(
            "/oauth/authorize", {**request, "login": login, "password": password}
        )

    async def password_grant(login: str, password: str) -> httpx.Response:
        grant = {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": login,
            "password": password,
            "scope": "read",
        }
        return await client.post("/oauth/token", data=grant)

    return {"web": web_sign_in, "consent": consent_sign_in, "token": password_grant}


async def test_an_unknown_login_costs_one_password_check_like_a_wrong_password(
    client: httpx.AsyncClient, make: Factory, checked: list[str]
) -> None:
    alice = await make.person("alice")
    real_parameters = extract_parameters(alice.user.password_hash)
    for name, attempt in (await _entry_points(client)).items():
        for login in ("nobody", "nobody@example.com", "alice", "alice@example.com"):
            checked.clear()
            response = await attempt(login, "not the password")
            assert response.status_code in {400, 401}, (name, login, response.status_code)
            assert len(checked) == 1, (name, login)
            assert extract_parameters(checked[0]) == real_parameters, (name, login)
        checked.clear()
        assert (await attempt("alice", "correct horse battery")).status_code in {200, 303}
        assert checked == [alice.user.password_hash], name


def test_the_unknown_login_hash_matches_no_password_and_needs_no_rehash() -> None:
    hashed = passwords.UNKNOWN_USER_HASH
    assert extract_parameters(hashed) == extract_parameters(passwords.hash_blocking("x"))
    assert not passwords.needs_rehash(hashed)
    for guess in ("", "correct horse battery", hashed):
        assert not passwords.verify_blocking(hashed, guess)
