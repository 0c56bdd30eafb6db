"""E-mail confirmation after sign-up (web and API), with the mail received by a real SMTP
server. Opening the link never confirms; its page's button does. Unconfirmed people can still
sign in, and are reminded."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from porina.accounts.models import User
from porina.services import Services
from porina.settings import Settings
from tests.api.test_accounts import app_token, signup
from tests.factories import Factory
from tests.support.smtp import SmtpServer, sending_to
from tests.web.conftest import Browser

PASSWORD = "correct horse battery"
REMINDER = "Please confirm your e-mail address"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp)


async def web_sign_up(browser: Browser, username: str = "newbie") -> None:
    response = await browser.post(
        "/auth/sign_up",
        {
            "username": username,
            "email": f"{username}@example.com",
            "display_name": "Uusi",
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
            "agreement": "1",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/home"


async def user_named(services: Services, email: str) -> User:
    async with services.db.read() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


async def test_web_sign_up_mails_a_link_whose_button_confirms_the_address(
    browser: Browser, smtp: SmtpServer, services: Services
) -> None:
    await web_sign_up(browser)
    assert (await user_named(services, "newbie@example.com")).confirmed_at is None
    home = await browser.get("/home")
    assert REMINDER in home.text

    [mail] = smtp.messages
    assert mail.rcpt_tos == ["newbie@example.com"]
    assert mail.message["Subject"] == "Confirm your e-mail address on Porina"
    assert "newbie@example.com" in mail.part("plain") and "Confirm my address" in mail.part("html")
    link = mail.link()
    assert link.startswith("http://testserver.local/auth/confirmation?confirmation_token=")

    page = await browser.get(path_of(link))
    assert page.status_code == 200 and 'action="/auth/confirmation"' in page.text
    assert (await user_named(services, "newbie@example.com")).confirmed_at is None, (
        "opening the link (as a mail scanner would) confirms nothing"
    )
    token = link.split("confirmation_token=")[1]
    confirmed = await browser.post("/auth/confirmation", {"confirmation_token": token})
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/auth/confirmation/done"
    assert (await user_named(services, "newbie@example.com")).confirmed_at is not None
    assert REMINDER not in (await browser.get("/home")).text

    again = await browser.post("/auth/confirmation", {"confirmation_token": token})
    assert again.status_code == 422


async def test_api_sign_up_mails_a_confirmation_link(
    browser: Browser, smtp: SmtpServer, services: Services
) -> None:
    token = await app_token(browser.client)
    response = await browser.client.post(
        "/api/v1/accounts",
        data=signup(locale="fi"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["newbie@example.com"]
    assert mail.message["Subject"].startswith("Vahvista sähköpostiosoitteesi")
    link_token = mail.link().split("confirmation_token=")[1]
    confirmed = await browser.post("/auth/confirmation", {"confirmation_token": link_token})
    assert confirmed.status_code == 303
    assert (await user_named(services, "newbie@example.com")).confirmed_at is not None


async def test_an_unconfirmed_person_signs_in_and_can_have_the_link_sent_again(
    browser: Browser, smtp: SmtpServer, services: Services
) -> None:
    await web_sign_up(browser)
    browser.client.cookies.clear()
    signed_in = await browser.post("/auth/sign_in", {"login": "newbie", "password": PASSWORD})
    assert signed_in.status_code == 303
    home = await browser.get("/home")
    assert REMINDER in home.text and 'action="/auth/confirmation/new"' in home.text

    resent = await browser.post("/auth/confirmation/new", {"email": "newbie@example.com"})
    assert resent.status_code == 200 and "we have sent it a new link" in resent.text
    assert len(smtp.messages) == 2
    first, second = (m.link().split("confirmation_token=")[1] for m in smtp.messages)
    assert first != second
    assert (
        await browser.post("/auth/confirmation", {"confirmation_token": second})
    ).status_code == 303
    assert (
        await browser.post("/auth/confirmation", {"confirmation_token": first})
    ).status_code == 422


async def test_resending_to_a_confirmed_or_unknown_address_sends_nothing(
    browser: Browser, smtp: SmtpServer, make: Factory
) -> None:
    await make.person("aino")
    for email in ("aino@example.com", "nobody@example.com"):
        answer = await browser.post("/auth/confirmation/new", {"email": email})
        assert answer.status_code == 200 and "we have sent it a new link" in answer.text
    assert smtp.messages == []


async def test_a_made_up_confirmation_link_explains_itself(browser: Browser) -> None:
    page = await browser.get("/auth/confirmation?confirmation_token=made-up")
    assert page.status_code == 200
    assert "invalid, already used or expired" in page.text
    assert 'href="/auth/confirmation/new"' in page.text
