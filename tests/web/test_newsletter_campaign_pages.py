"""The newsletter's campaign pages (issue 19, points 2-4): the brand's owner writes a campaign,
sees its preview (HTML and plain text), sends a test to their own address, is refused a time
in the past (and, in Finnish, an overlong subject), confirms sending, and sees the campaign
complete with its figures (PORINA_MAIL=outbox: into the outbox, counted as sent); the
progress JSON the page's script reads; another person's campaign is 404."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.mail.models import MailMessage
from porina.newsletter.campaigns_preview import TEST
from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import text_of

HOME = "/newsletter/campaigns"


async def _list_with_two(browser: Any) -> str:
    made = await browser.post("/newsletter/lists", {"name": "Kahvilan kirje"})
    list_id = str(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    csv = "email,name,status\naino@example.com,Aino,confirmed\neero@example.com,Eero,confirmed\n"
    imported = await browser.post(f"/newsletter/lists/{list_id}/subscribers/import", {"csv": csv})
    assert imported.status_code == 303
    return list_id


async def test_write_preview_test_send_and_follow_a_campaign_to_the_end(
    services: Services, make: Factory, signed_in: Any
) -> None:
    kahvila = await make.person("kahvila")
    browser = await signed_in(kahvila)
    list_id = await _list_with_two(browser)
    assert "No campaigns yet" in text_of((await browser.get(HOME)).text)

    blank = await browser.post(HOME, {"subject": " ", "body": "x", "list_ids": list_id})
    assert blank.status_code == 422 and "subject can&#39;t be blank" in blank.text
    body = "# Uutta\n\nHei **{{name}}**, uusi kahvi on tullut."
    made = await browser.post(
        HOME, {"subject": "Hei {{name}}!", "kind": "markdown", "body": body, "list_ids": list_id}
    )
    assert made.status_code == 303, made.text
    page = await browser.get(made.headers["location"])
    assert "The campaign is saved as a draft." in page.text
    assert "<strong>Aino</strong>" in page.text  # the HTML part, for the first subscriber
    assert "Hei **Aino**, uusi kahvi on tullut." in page.text  # the plain-text part
    assert 'id="nc-preview-subject">Hei Aino!<' in page.text
    path = made.headers["location"].split("?")[0]

    tested = await browser.post(f"{path}/test")
    assert f"A test was sent to {kahvila.user.email}." in tested.text
    async with services.db.read() as session:  # PORINA_MAIL=outbox: kept in the outbox
        kept = await session.scalar(select(MailMessage.to_address).where(MailMessage.kind == TEST))
    assert kept == kahvila.user.email
    past = await browser.post(f"{path}/schedule", {"scheduled_at": "2001-01-01T10:00"})
    assert past.status_code == 422 and "scheduled_at must be a time in the future" in past.text

    confirm = await browser.get(f"{path}/confirm/send")
    assert "Send the campaign now?" in confirm.text and f'action="{path}/send"' in confirm.text
    sent = await browser.post(f"{path}/send")
    assert sent.status_code == 303
    await services.runner.drain()
    progress = (await browser.get(f"{path}/progress")).json()
    assert progress | {"state_name": "Sent"} == progress
    assert (progress["state"], progress["recipients"], progress["sent"]) == ("sent", 2, 0 + 2)
    words = text_of((await browser.get(HOME)).text)
    assert "Hei {{name}}! Sent" in words
    done = await browser.get(path)
    assert "nc-subject" not in done.text  # no editor once sent
    assert (await browser.post(f"{path}/pause")).status_code == 409

    intruder = await signed_in(await make.person("mallory", locale="fi"))
    long = await intruder.post(HOME, {"subject": "x" * 201, "body": "x", "list_ids": list_id})
    assert long.status_code == 422 and "Otsikko on yli 200 merkkiä pitkä" in long.text
    assert (await intruder.get(path)).status_code == 404
    assert (await intruder.get(f"{path}/progress")).status_code == 404
