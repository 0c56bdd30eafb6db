"""Forgot password, through the pages, with the mail received by a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from porina.accounts import recovery
from porina.accounts.models import WebSession
from porina.core.clock import now
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory
from tests.support.smtp import Received, SmtpServer, sending_to
from tests.web.conftest import Browser, text_of

OLD = "correct horse battery"
NEW = "a brand new password"
SENT = "If an account uses that address, we have sent it a link"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp)


def path_of(link: str) -> str:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver.local"
    return f"{parts.path}?{parts.query}"


async def ask_for_reset(browser: Browser, email: str) -> httpx.Response:
    form = await browser.get("/auth/password/new")
    assert form.status_code == 200
    return await browser.post("/auth/password/new", {"email": email})


async def sign_in(browser: Browser, password: str) -> int:
    response = await browser.post("/auth/sign_in", {"login": "aino", "password": password})
    return response.status_code


async def test_sign_in_page_offers_a_forgotten_password_link(browser: Browser) -> None:
    page = await browser.get("/auth/sign_in")
    assert 'href="/auth/password/new"' in page.text
    assert "Forgot your password?" in page.text


async def test_forgot_password_journey_ends_with_the_new_password_working(
    browser: Browser, make: Factory, smtp: SmtpServer
) -> None:
    await make.person("aino", display_name="Aino")
    answer = await ask_for_reset(browser, "AINO@example.com")
    assert answer.status_code == 200 and SENT in text_of(answer.text)
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["aino@example.com"]
    assert mail.message["Subject"] == "Reset your password on Porina"
    assert mail.message.get_content_type() == "multipart/alternative"
    link = mail.link()
    assert link in mail.part("html").replace("&amp;", "&")
    assert "Hi Aino," in mail.part("plain")

    page = await browser.get(path_of(link))
    assert page.status_code == 200 and 'name="password"' in page.text
    token = link.split("token=")[1]
    changed = await browser.post(
        "/auth/password/edit", {"token": token, "password": NEW, "password_confirmation": NEW}
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/auth/password/changed"
    assert (await browser.get("/auth/password/changed")).status_code == 200

    assert await sign_in(browser, OLD) == 401
    assert await sign_in(browser, NEW) == 303
    again = await browser.post(
        "/auth/password/edit", {"token": token, "password": OLD, "password_confirmation": OLD}
    )
    assert again.status_code == 422 and "invalid, already used or expired" in again.text
    assert await sign_in(browser, NEW) == 303
    reused = await browser.get(path_of(link))
    assert 'name="password"' not in reused.text


async def test_a_new_password_ends_the_other_web_sessions(
    browser: Browser, make: Factory, smtp: SmtpServer, services: Services
) -> None:
    aino = await make.person("aino")
    await sign_in(browser, OLD)
    async with services.db.read() as session:
        before = await session.scalar(select(func.count()).select_from(WebSession))
    assert before == 1
    await ask_for_reset(browser, "aino@example.com")
    token = smtp.messages[0].link().split("token=")[1]
    await browser.post(
        "/auth/password/edit", {"token": token, "password": NEW, "password_confirmation": NEW}
    )
    async with services.db.read() as session:
        left = await session.scalar(
            select(func.count()).select_from(WebSession).where(WebSession.user_id == aino.user.id)
        )
    assert left == 0
    assert (await browser.get("/home")).status_code == 303, "signed out"


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    browser: Browser, make: Factory, smtp: SmtpServer
) -> None:
    await make.person("aino")
    known = await ask_for_reset(browser, "aino@example.com")
    unknown = await ask_for_reset(browser, "nobody@example.com")
    assert (unknown.status_code, text_of(unknown.text)) == (known.status_code, text_of(known.text))
    assert [m.rcpt_tos for m in smtp.messages] == [["aino@example.com"]]


async def test_a_reset_link_expires_after_an_hour(
    browser: Browser, make: Factory, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make.person("aino")
    await ask_for_reset(browser, "aino@example.com")
    token = smtp.messages[0].link().split("token=")[1]
    later = now() + timedelta(minutes=61)
    monkeypatch.setattr(recovery, "now", lambda: later)
    response = await browser.post(
        "/auth/password/edit", {"token": token, "password": NEW, "password_confirmation": NEW}
    )
    assert response.status_code == 422
    monkeypatch.undo()
    assert await sign_in(browser, OLD) == 303


async def test_a_too_short_password_is_explained_and_the_link_still_works(
    browser: Browser, make: Factory, smtp: SmtpServer
) -> None:
    await make.person("aino")
    await ask_for_reset(browser, "aino@example.com")
    token = smtp.messages[0].link().split("token=")[1]
    short = await browser.post(
        "/auth/password/edit",
        {"token": token, "password": "short", "password_confirmation": "short"},
    )
    assert short.status_code == 422 and "too short" in short.text
    mismatch = await browser.post(
        "/auth/password/edit", {"token": token, "password": NEW, "password_confirmation": OLD}
    )
    assert mismatch.status_code == 422 and "do not match" in mismatch.text
    done = await browser.post(
        "/auth/password/edit", {"token": token, "password": NEW, "password_confirmation": NEW}
    )
    assert done.status_code == 303


async def test_at_most_three_reset_mails_an_hour_reach_one_person(
    browser: Browser, make: Factory, smtp: SmtpServer
) -> None:
    await make.person("aino")
    for _ in range(5):
        answer = await ask_for_reset(browser, "aino@example.com")
        assert answer.status_code == 200
    assert len(smtp.messages) == recovery.MAX_PER_HOUR


async def test_a_finnish_speaker_gets_the_mail_in_finnish(
    browser: Browser, make: Factory, smtp: SmtpServer
) -> None:
    await make.person("aino", locale="fi", display_name="Aino")
    await ask_for_reset(browser, "aino@example.com")
    mail: Received = smtp.messages[0]
    assert mail.message["Subject"] == "Salasanan vaihto – Porina"  # noqa: RUF001
    assert "Hei Aino," in mail.part("plain")
    assert "Valitse uusi salasana" in mail.part("html")
    assert '<html lang="fi">' in mail.part("html")
