"""The weekly report by e-mail, received by a real SMTP server (aiosmtpd): who gets it (own
account by default, a brand's manager who opted in, not an analyst who did not, not someone
who opted out), once a week, in the recipient's language, HTML and plain text with the
figures against the week before, the PDF attached with the same figures, and the
unsubscribe link turning it off."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import update

from porina.accounts.models import User
from porina.analytics import weekly
from porina.core.clock import back_dated, now
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory, Person
from ..operators.support import appoint
from ..support.smtp import SmtpServer, sending_to


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, instance_title="Porina")


async def _set(services: Services, person: Person, **values: object) -> None:
    async with services.db.transaction() as tx:
        await tx.session.execute(update(User).where(User.id == person.user.id).values(**values))


def pdf_texts(data: bytes) -> list[str]:
    found = re.findall(rb"\((.*?)\) Tj", data)
    return [re.sub(r"\\(.)", r"\1", t.decode("latin-1")) for t in found]


async def test_the_weekly_report_arrives_once_with_its_figures_and_pdf(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    monday = now().date() - timedelta(days=now().weekday())
    sent_at = datetime.combine(monday, time(7, 30), tzinfo=UTC)
    cafe, emma = await make.person("cafe"), await make.person("emma")
    brand, anna, olli = (
        await make.person("kahvila"),
        await make.person("anna"),
        await make.person("olli"),
    )
    await appoint(services, brand, anna, "manager")
    await appoint(services, brand, olli, "analyst")
    await _set(services, cafe, locale="fi")
    setting = "/api/porina/v1/analytics/weekly_report"
    assert (await anna.get(setting)).json() == {"enabled": True}
    for who, enabled in ((emma, "false"), (anna, "true")):
        response = await who.put(setting, data={"enabled": enabled})
        assert response.status_code == 200, response.text
    assert (await emma.get(setting)).json() == {"enabled": False}
    assert (await emma.put(setting, data={})).status_code == 422
    last_week = datetime.combine(monday - timedelta(days=3), time(12), tzinfo=UTC)
    with back_dated(now() - last_week):
        first = await cafe.status("viikon erikoinen")
        await emma.post(f"/api/v1/statuses/{first['id']}/favourite")
        await emma.follow(cafe)
    week_before = datetime.combine(monday - timedelta(days=10), time(12), tzinfo=UTC)
    with back_dated(now() - week_before):
        await cafe.status("old")
        await cafe.status("older")

    assert await weekly.send_due(services.db, services.settings, sent_at) == 5
    assert await weekly.send_due(services.db, services.settings, sent_at) == 0  # once a week
    tuesday = sent_at + timedelta(days=1)
    assert await weekly.send_due(services.db, services.settings, tuesday) == 0
    await services.runner.drain()
    got = sorted((m.rcpt_tos[0], m.message["Subject"]) for m in smtp.messages)
    assert got == [
        ("anna@example.com", "Your week on Porina: @anna"),
        ("anna@example.com", "Your week on Porina: @kahvila"),
        ("cafe@example.com", "Viikkosi palvelussa Porina: @cafe"),
        ("kahvila@example.com", "Your week on Porina: @kahvila"),
        ("olli@example.com", "Your week on Porina: @olli"),
    ]
    mail = next(m for m in smtp.messages if m.rcpt_tos == ["cafe@example.com"])
    plain, html = mail.part("plain"), mail.part("html")
    period = f"{monday - timedelta(days=7)} - {monday - timedelta(days=1)}"
    assert f"{period} (päivät aikavyöhykkeellä UTC)" in plain and period in html
    # last week: 1 post, 1 favourite by emma, emma followed; the week before: 2 posts
    assert "Julkaisut: 1 (edellinen viikko 2, -1)" in plain
    assert "Sitoutumiset: 1 (edellinen viikko 0, +1)" in plain
    assert "Seuraajien nettokasvu: 1 (edellinen viikko 0, +1)" in plain
    assert '<th scope="row" style="text-align:left;padding:4px">Julkaisut</th>' in html
    assert "Lopeta viikkoraportit" in html
    assert mail.message["List-Unsubscribe"].startswith("<")
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    texts = pdf_texts(data)
    assert texts[:2] == ["Viikkosi palvelussa Porina: @cafe", f"{period} (UTC)"]
    row = texts.index("Julkaisut")
    assert texts[row : row + 4] == ["Julkaisut", "1", "2", "-1"]

    link = re.search(r"https?://\S+/analytics/weekly/unsubscribe\?token=\S+", plain)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # opening the link (as a mail scanner does) only asks; the page's button POSTs
    page = await make.client.get("/" + path)
    assert page.status_code == 200 and "Stop the weekly report?" in page.text
    assert 'method="post"' in page.text
    assert (await cafe.get(setting)).json() == {"enabled": True}
    forged = "/analytics/weekly/unsubscribe?token=1.2.x"
    assert (await make.client.get(forged)).status_code == 404
    refused = await make.client.post(forged, content=b"List-Unsubscribe=One-Click")
    assert refused.status_code == 404
    # RFC 8058: the provider's one-click POST, with no cookie, stops it at once
    one_click = await make.client.post(
        "/" + path,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200 and "Weekly reports stopped" in one_click.text
    assert (await cafe.get(setting)).json() == {"enabled": False}
    next_monday = sent_at + timedelta(days=7)
    recipients = {(r.email, r.username) for r in await _everyone(services)}
    assert ("cafe@example.com", "cafe") not in recipients
    assert await weekly.send_due(services.db, services.settings, next_monday) == 4


async def _everyone(services: Services) -> list[weekly.Recipient]:
    async with services.db.read() as session:
        return await weekly.recipients(session)


def test_the_report_is_due_on_monday_from_seven_in_the_recipients_time_zone() -> None:
    monday = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)  # 07:30 in Helsinki
    assert weekly.week_of(monday, "Europe/Helsinki") == monday.date()
    assert weekly.week_of(monday, "UTC") is None  # 05:30 there
    assert weekly.week_of(monday, "Nowhere/Else") is None  # an unknown zone is UTC
    assert weekly.week_of(monday + timedelta(days=1), "Europe/Helsinki") is None


async def test_a_brands_report_goes_only_to_its_owners_managers_and_analysts_who_want_it(
    services: Services, make: Factory
) -> None:
    """Every role and setting at once (exhaustive, not sampled): an agent never gets the
    brand's figures whatever their setting, nor does anyone outside the team."""
    brand = await make.person("kahvila")
    await make.person("outsider")
    expected = {"kahvila"}
    for role in ("owner", "manager", "analyst", "agent"):
        for choice in (None, True, False):
            person = await make.person(f"{role}{'x' if choice is None else int(choice)}")
            await appoint(services, brand, person, role)
            if choice is not None:
                await _set(services, person, settings={weekly.SETTING: choice})
            default = weekly.ROLES.get(role, False)
            if role != "agent" and (default if choice is None else choice):
                expected.add(person.username)
    got = {
        r.email.split("@")[0] for r in await _everyone(services) if r.account_id == brand.account.id
    }
    assert got == expected
    assert not any(name.startswith("agent") for name in got)
