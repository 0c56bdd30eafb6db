"""/oauth/userinfo, /api/v1/emails/confirmations and /api/v1/statuses/:id/translate."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from porina.accounts.models import User
from porina.mail.models import MailMessage
from porina.services import Services

from ..factories import Factory
from .test_accounts import app_token, signup


async def test_userinfo_names_the_tokens_account(make: Factory, client: httpx.AsyncClient) -> None:
    alice = await make.person("alice", scopes="profile", display_name="Alice A.")
    body = (await alice.get("/oauth/userinfo")).json()
    assert body == {
        "iss": "http://testserver.local/",
        "sub": "http://testserver.local/users/alice",
        "name": "Alice A.",
        "preferred_username": "alice",
        "profile": "http://testserver.local/@alice",
        "picture": body["picture"],
    }
    assert body["picture"].startswith("http://testserver.local/")
    assert (await client.get("/oauth/userinfo")).status_code == 401
    reader = await make.person("reader", scopes="read")
    assert (await reader.get("/oauth/userinfo")).status_code == 403


async def _mails(services: Services, to: str) -> int:
    async with services.db.read() as session:
        rows = await session.scalars(select(MailMessage).where(MailMessage.to_address == to))
        return len(list(rows))


async def test_confirmation_mail_is_sent_again_only_while_unconfirmed(
    make: Factory, client: httpx.AsyncClient, services: Services
) -> None:
    token_of_app = await app_token(client)
    signed_up = await client.post(
        "/api/v1/accounts", data=signup(), headers={"Authorization": f"Bearer {token_of_app}"}
    )
    assert signed_up.status_code == 200, signed_up.text
    token = {"Authorization": f"Bearer {signed_up.json()['access_token']}"}
    before = await _mails(services, "newbie@example.com")
    again = await client.post("/api/v1/emails/confirmations", headers=token)
    assert (again.status_code, again.json()) == (200, {})
    assert await _mails(services, "newbie@example.com") == before + 1
    other_app = await make.person("someone")
    refused = await other_app.post("/api/v1/emails/confirmations")
    assert refused.status_code == 403
    async with services.db.transaction() as tx:
        user = await tx.session.scalar(select(User).where(User.email == "newbie@example.com"))
        assert user is not None
        user.confirmed_at = user.created_at
    confirmed = await client.post("/api/v1/emails/confirmations", headers=token)
    assert (confirmed.status_code, confirmed.json()) == (
        403,
        {"error": "This method is only available while the e-mail is awaiting confirmation"},
    )


async def test_translation_is_not_offered(make: Factory) -> None:
    alice = await make.person("alice")
    post = await alice.status("hei maailma", language="fi")
    response = await alice.post(f"/api/v1/statuses/{post['id']}/translate", json={"lang": "en"})
    assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
    instance = (await alice.get("/api/v2/instance")).json()
    assert instance["configuration"]["translation"]["enabled"] is False
