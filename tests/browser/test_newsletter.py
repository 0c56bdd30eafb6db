"""The newsletter in a real browser (issue 19, points 1 and 6), in English and Finnish, on a
``porina serve`` of its own that mails a real SMTP server (aiosmtpd): the owner makes a list on
the staff pages; a visitor's sign-up form says what and how often and, once sent, to check the
spam folder; opening the confirmation link confirms nobody (the staff page still says
unconfirmed), its button does and the welcome mail arrives; the preferences page changes the
name, downloads the data, unsubscribes and erases; the staff export the CSV; axe finds nothing
serious on these pages (in English: the markup is the same in both). A campaign is written on
its page, previewed, tested and sent, and its sent count rises as the mails arrive."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ConsoleWatch
from tests.browser.test_axe import violations
from tests.browser.test_journey import t
from tests.browser.test_layout import join
from tests.support.server import free_port, porina, porina_env, serving
from tests.support.smtp import Received, SmtpServer, running_smtp

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def mailing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SmtpServer]]:
    """A server of this module's own whose mail goes to a real SMTP server."""
    with running_smtp() as smtp:
        data_dir = tmp_path_factory.mktemp("porina-newsletter")
        env = porina_env(
            data_dir,
            free_port(),
            PORINA_WORKERS="1",
            PORINA_RATE_LIMITS="false",
            PORINA_MAIL="smtp",
            PORINA_SMTP_HOST="127.0.0.1",
            PORINA_SMTP_PORT=str(smtp.port),
            PORINA_MAIL_FROM="hello@kahvila.example",
        )
        porina(env, "migrate")
        log = data_dir / "serve.log"
        try:
            with serving(env, log, ready_path="/about") as base:
                yield base, smtp
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            if log.exists():
                (ARTIFACTS / "browser-newsletter-server.log").write_bytes(log.read_bytes())


def mail_to(smtp: SmtpServer, address: str, count: int) -> list[Received]:
    """The mails ``address`` has received, once there are ``count`` (the outbox sends after
    commit; waits for them, up to a minute)."""
    deadline = time.monotonic() + 60
    while True:
        found = [m for m in smtp.messages if address in m.rcpt_tos]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def local(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def make_list(page: Any, lang: str) -> str:
    page.goto("/newsletter")
    page.get_by_role("link", name=t(lang, "New list")).click()
    page.get_by_label(t(lang, "Name"), exact=True).fill("Kahvilan kirje")
    page.get_by_label(t(lang, "What subscribers get and how often")).fill("1\u20134 mails a week")
    page.get_by_role("button", name=t(lang, "Create the list")).click()
    page.wait_for_url("**/newsletter/lists/*?done=created")
    assert t(lang, "The list is created.") in page.locator("p.notice").inner_text()
    list_id = str(page.url).split("?")[0].rsplit("/", 1)[1]
    assert f"/newsletter/{list_id}/embed" in page.locator("#nl-embed").input_value()
    page.get_by_role("button", name=t(lang, "Copy the code")).click()
    expect(page.locator("#live")).to_have_text(t(lang, "The code is copied"))
    return list_id


def sign_up(visitor: Any, lang: str, list_id: str, address: str) -> None:
    visitor.goto(f"/newsletter/{list_id}")
    words = visitor.locator("main").inner_text()
    assert "1\u20134 mails a week" in words and t(lang, "What you get:") in words
    visitor.get_by_label(t(lang, "E-mail address")).fill(address)
    visitor.get_by_label(t(lang, "Name (optional)")).fill("Aino")
    visitor.get_by_role("button", name=t(lang, "Subscribe")).click()
    spam = t(
        lang,
        "Thank you! Check your e-mail and confirm your subscription from the message we sent. "
        "If it does not arrive in a few minutes, check your spam folder.",
    )
    assert spam in visitor.locator("p.notice[role=status]").inner_text()


def state_on_staff_page(page: Any, list_id: str, address: str) -> str:
    page.goto(f"/newsletter/lists/{list_id}/subscribers?q={address}")
    row = page.locator("#newsletter-subscribers tbody tr").filter(has_text=address)
    return str(row.locator("td").nth(1).inner_text())


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_sign_up_confirm_preferences_and_staff_pages(
    chromium: Any, mailing: tuple[str, SmtpServer], lang: str, tmp_path: Path
) -> None:
    base, smtp = mailing
    watch = ConsoleWatch()
    locale = "fi-FI" if lang == "fi" else "en-US"
    staff_ctx = chromium.new_context(base_url=base, locale=locale)
    visitor_ctx = chromium.new_context(base_url=base, locale=locale, accept_downloads=True)
    try:
        staff = staff_ctx.new_page()
        visitor = visitor_ctx.new_page()
        for page in (staff, visitor):
            page.set_default_timeout(15_000)
            watch.attach(page)
        join(staff, lang, f"uutiskahvila{lang}", "Uutiskahvila")
        list_id = make_list(staff, lang)
        address = f"aino.{lang}@example.com"
        sign_up(visitor, lang, list_id, address)

        [confirmation] = mail_to(smtp, address, 1)
        link = local(confirmation.link())
        visitor.goto(link)  # what a mail scanner does: confirms nobody
        button = visitor.get_by_role("button", name=t(lang, "Confirm my subscription"))
        assert button.is_visible()
        assert state_on_staff_page(staff, list_id, address) == t(lang, "Unconfirmed")
        button.click()
        status = visitor.locator("p.notice[role=status]").inner_text()
        assert t(lang, "Your subscription is confirmed. Welcome!") in status
        welcome = mail_to(smtp, address, 2)[1]
        assert "Kahvilan kirje" in welcome.message["Subject"]
        assert state_on_staff_page(staff, list_id, address) == t(lang, "Confirmed")

        token = link.rsplit("/", 1)[1]
        preferences(visitor, lang, token, address)
        assert staff_export(staff, list_id).count("\n") == 1  # erased: the header only

        if lang == "en":  # the same markup in Finnish; once is enough for axe
            problems = axe(chromium, base, staff_ctx, list_id, lang)
            assert problems == [], "\n".join(problems)
    finally:
        staff_ctx.close()
        visitor_ctx.close()
    assert watch.errors == [], "\n".join(watch.errors)


def preferences(visitor: Any, lang: str, token: str, address: str) -> None:
    visitor.goto(f"/newsletter/preferences/{token}")
    visitor.get_by_label(t(lang, "Name (optional)")).fill("Aino Virtanen")
    visitor.get_by_role("button", name=t(lang, "Save"), exact=True).click()
    assert t(lang, "Saved.") in visitor.locator("p.notice[role=status]").inner_text()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name=t(lang, "Download my data (JSON)")).click()
    data = json.loads(Path(download.value.path()).read_text())
    assert address in json.dumps(data) and "Aino Virtanen" in json.dumps(data)
    visitor.get_by_role("button", name=t(lang, "Unsubscribe")).click()
    assert t(lang, "You are unsubscribed") in visitor.locator("h1").inner_text()
    visitor.get_by_role("link", name=t(lang, "Your subscription's settings")).click()
    visitor.get_by_role("button", name=t(lang, "Erase my data")).click()
    assert t(lang, "Your data is erased") in visitor.locator("h1").inner_text()
    gone = visitor.request.get(f"/newsletter/preferences/{token}")  # no page: no console 404
    assert gone.status == 404


def staff_export(staff: Any, list_id: str) -> str:
    staff.goto(f"/newsletter/lists/{list_id}/subscribers")
    with staff.expect_download() as download:
        staff.locator(f'a[href="/newsletter/lists/{list_id}/subscribers.csv"]').click()
    text = Path(download.value.path()).read_text()
    assert re.match(r"email,name,status", text)
    return text


def axe(chromium: Any, base: str, staff_ctx: Any, list_id: str, lang: str) -> list[str]:
    context = chromium.new_context(
        base_url=base,
        bypass_csp=True,
        locale="fi-FI" if lang == "fi" else "en-US",
        storage_state=staff_ctx.storage_state(),
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        paths = [
            "/newsletter",
            "/newsletter/lists/new",
            f"/newsletter/lists/{list_id}",
            f"/newsletter/lists/{list_id}/subscribers",
            "/newsletter/privacy",
            f"/newsletter/{list_id}",
            f"/newsletter/{list_id}/privacy",
            f"/newsletter/privacy/uutiskahvila{lang}",
        ]
        return [problem for path in paths for problem in violations(page, path)]
    finally:
        context.close()


def fill_list(page: Any, lang: str, list_id: str, people: list[str]) -> None:
    page.goto(f"/newsletter/lists/{list_id}/subscribers")
    csv = "email,name\n" + "".join(f"{p},{p.split('@')[0].title()}\n" for p in people)
    page.locator("textarea[name=csv]").fill(csv)
    page.locator("form[action$='/subscribers/import'] button[type=submit]").click()
    page.wait_for_url("**/subscribers?added=*")


def subject_to(smtp: SmtpServer, address: str, subject: str) -> bool:
    """Whether a mail with ``subject`` reaches ``address`` within a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(m.message["Subject"] == subject for m in smtp.messages if address in m.rcpt_tos):
            return True
        time.sleep(0.2)
    return False


def write_campaign(page: Any, lang: str) -> str:
    page.goto("/newsletter")
    page.get_by_role("link", name=t(lang, "Campaigns"), exact=True).click()
    page.get_by_role("link", name=t(lang, "New campaign")).click()
    page.get_by_label(t(lang, "Subject"), exact=True).fill("Hei {{name}}!")
    page.get_by_label(t(lang, "Text"), exact=True).fill("# Uutta\n\nHei **{{name}}**, kahvia!")
    page.get_by_label("Kahvilan kirje").check()
    page.get_by_role("button", name=t(lang, "Save as a draft")).click()
    page.wait_for_url("**/newsletter/campaigns/*?done=created")
    return str(page.url).split("?")[0]


def test_a_campaign_is_written_previewed_tested_and_sent_with_its_count_rising(
    chromium: Any, mailing: tuple[str, SmtpServer]
) -> None:
    """In Finnish (English is the same markup, and axe looks at it): the owner writes a
    campaign on its page, sees the HTML and plain-text preview, sends a test to themself,
    sends it after confirming in the dialog, and sees the sent count rise to the list's size
    as the mails reach the SMTP server."""
    base, smtp = mailing
    lang, watch = "fi", ConsoleWatch()
    context = chromium.new_context(base_url=base, locale="fi-FI")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch.attach(page)
        join(page, lang, "kampanjakahvila", "Kampanjakahvila")
        list_id = make_list(page, lang)
        people = [f"tilaaja{n}@example.com" for n in range(3)]
        fill_list(page, lang, list_id, people)
        url = write_campaign(page, lang)
        expect(page.locator("#nc-preview-html strong")).to_have_text("Tilaaja0")
        assert "Hei **Tilaaja0**, kahvia!" in page.locator("#nc-preview-text").inner_text()
        page.get_by_role("button", name=t(lang, "Send a test to me")).click()
        assert subject_to(smtp, "kampanjakahvila@example.com", "Hei Tilaaja0!")
        page.get_by_role("link", name=t(lang, "Send now…")).click()
        page.locator("dialog[open]").get_by_role("button", name=t(lang, "Send now")).click()
        page.wait_for_url(f"{url}?done=sending")
        expect(page.locator("#campaign-figures [data-field=sent]")).to_have_text("3")
        expect(page.locator("[data-field=state_name]")).to_have_text(t(lang, "Sent"))
        assert sorted(m.rcpt_tos[0] for m in smtp.messages if m.rcpt_tos[0] in people) == people
        checked = chromium.new_context(
            base_url=base, bypass_csp=True, locale="en-US", storage_state=context.storage_state()
        )
        try:
            checker = checked.new_page()
            paths = ("/newsletter/campaigns", url, "/newsletter/campaigns/new")
            problems = [p for path in paths for p in violations(checker, path)]
        finally:
            checked.close()
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
    assert watch.errors == [], "\n".join(watch.errors)
