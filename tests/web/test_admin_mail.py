"""``/admin/mail`` under the default ``PORINA_MAIL=outbox`` (what ``make run`` uses): mail is
kept, not sent, and an administrator reads it there; everyone else gets a 404."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import select

from porina.mail.models import MailMessage
from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import Browser, text_of

FI = {"accept-language": "fi"}


async def held_reset_mail(browser: Browser, services: Services) -> MailMessage:
    await browser.post("/auth/password/new", {"email": "aino@example.com"})
    async with services.db.read() as session:
        rows = list(await session.scalars(select(MailMessage)))
    assert len(rows) == 1
    return rows[0]


async def test_outbox_mode_holds_mail_and_the_admin_page_shows_it(
    browser: Browser, make: Factory, services: Services, signed_in: Any
) -> None:
    assert services.settings.mail == "outbox"
    await make.person("aino", display_name="Aino <b>")
    admin = await make.person("boss", role="admin")
    held = await held_reset_mail(browser, services)
    assert held.state == "held"
    assert await services.runner.drain() == 0, "nothing is queued to send"

    page = await (await signed_in(admin)).get("/admin/mail")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "aino@example.com" in text and "Reset your password on Porina" in text
    assert "Held in the outbox" in text
    assert f'href="/admin/mail/{held.id}"' in page.text

    one = await browser.get(f"/admin/mail/{held.id}")
    assert one.status_code == 200
    assert "Message-ID" in one.text and html.escape(held.message_id) in one.text
    assert "Hi Aino &lt;b&gt;," in one.text, "the text part is escaped"
    frame = re.search(r'<iframe[^>]*sandbox=""[^>]*srcdoc="([^"]*)"', one.text)
    assert frame is not None, "the HTML part is shown only in a sandboxed frame"
    assert "<a href" not in frame.group(1) and "&lt;a href" in frame.group(1)
    assert "/auth/password/edit?token=" in html.unescape(frame.group(1))


async def test_outbox_pages_are_not_found_for_everyone_but_admins(
    browser: Browser, make: Factory, services: Services, signed_in: Any
) -> None:
    await make.person("aino")
    held = await held_reset_mail(browser, services)
    for path in ("/admin/mail", f"/admin/mail/{held.id}"):
        assert (await browser.get(path)).status_code == 404
    someone = await signed_in(await make.person("someone"))
    moderator = await make.person("mod", role="moderator")
    for path in ("/admin/mail", f"/admin/mail/{held.id}"):
        assert (await someone.get(path)).status_code == 404
    as_moderator = await signed_in(moderator)
    assert (await as_moderator.get("/admin/mail")).status_code == 404


async def test_the_outbox_page_speaks_finnish(
    browser: Browser, make: Factory, services: Services, signed_in: Any
) -> None:
    await make.person("aino", locale="fi")
    admin = await make.person("boss", role="admin", locale="fi")
    held = await held_reset_mail(browser, services)
    viewer = await signed_in(admin)
    page = await viewer.get("/admin/mail", headers=FI)
    assert '<html lang="fi">' in page.text
    assert "Lähtevä posti" in page.text and "Salasanan vaihto" in page.text
    missing = await viewer.get("/admin/mail/123", headers=FI)
    assert missing.status_code == 404
    assert held.to_address == "aino@example.com"
