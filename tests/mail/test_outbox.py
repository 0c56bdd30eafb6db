"""The outbox: a message accepted in a transaction reaches a real SMTP server once, survives
the server being down, and is refused when a header could be injected into."""

from __future__ import annotations

from email.utils import parseaddr

import pytest
from sqlalchemy import func, select

from porina.jobs.models import Job
from porina.mail import outbox
from porina.mail.compose import Draft
from porina.mail.errors import HeaderInjection
from porina.mail.jobs import MAX_ATTEMPTS, SEND, send
from porina.mail.models import MailMessage
from porina.services import Services
from tests.mail.conftest import MAIL_FROM
from tests.support.smtp import SmtpServer

DRAFT = Draft(
    to="aino@example.com",
    subject="Hyvää päivää, Aino",
    text="Hei Aino!\n",
    html="<p>Hei <b>Aino</b>!</p>",
    kind="test",
)


async def _queue(services: Services, draft: Draft = DRAFT) -> int:
    async with services.db.transaction() as tx:
        row = await outbox.queue(tx, draft)
    return row.id


async def _row(services: Services, message_id: int) -> MailMessage:
    async with services.db.read() as session:
        row = await session.get(MailMessage, message_id)
    assert row is not None
    return row


async def _jobs(services: Services) -> int:
    async with services.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(Job).where(Job.kind == SEND))
    return int(count or 0)


async def test_a_committed_message_arrives_with_its_headers_and_both_parts(
    services: Services, smtp: SmtpServer
) -> None:
    message_id = await _queue(services)
    assert await services.runner.drain() == 1
    [received] = smtp.messages
    assert received.mail_from == MAIL_FROM and received.rcpt_tos == ["aino@example.com"]
    message = received.message
    assert parseaddr(message["From"]) == ("Kahvila Porina", MAIL_FROM)
    assert message["To"] == "aino@example.com"
    assert message["Subject"] == "Hyvää päivää, Aino"
    assert message["Date"] and message["Message-ID"].endswith("@kahvila.example>")
    assert message.get_content_type() == "multipart/alternative"
    assert received.part("plain") == "Hei Aino!\n"
    assert "<b>Aino</b>" in received.part("html")
    row = await _row(services, message_id)
    assert (row.state, row.attempts, row.message_id) == ("sent", 1, message["Message-ID"])
    assert row.sent_at is not None


async def test_a_rolled_back_action_sends_nothing(services: Services, smtp: SmtpServer) -> None:
    with pytest.raises(RuntimeError):
        async with services.db.transaction() as tx:
            await outbox.queue(tx, DRAFT)
            raise RuntimeError("the action failed after queueing its mail")
    assert await services.runner.drain() == 0
    assert smtp.messages == []
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(MailMessage)) == 0


async def test_smtp_down_keeps_the_message_queued_and_a_later_run_delivers_it_once(
    services: Services, smtp: SmtpServer
) -> None:
    smtp.stop()
    message_id = await _queue(services)
    await services.runner.drain()
    row = await _row(services, message_id)
    assert (row.state, row.attempts) == ("queued", 1)
    assert row.last_error and str(smtp.port) in row.last_error
    assert await _jobs(services) == 1, "the job waits for its retry"

    smtp.start()
    await services.runner.drain()
    assert smtp.messages == [], "the retry is not due before its backoff"
    async with services.db.transaction() as tx:  # the backoff (2 s) passes
        job = await tx.session.scalar(select(Job).where(Job.kind == SEND))
        assert job is not None
        job.run_at = row.created_at
    assert await services.runner.drain() == 1
    assert len(smtp.messages) == 1
    assert (await _row(services, message_id)).state == "sent"
    assert await _jobs(services) == 0
    assert await services.runner.drain() == 0
    assert len(smtp.messages) == 1


async def test_a_sent_message_is_not_sent_again_when_its_job_reruns(
    services: Services, smtp: SmtpServer
) -> None:
    message_id = await _queue(services)
    await services.runner.drain()
    await send(services, {"message_id": message_id})
    assert len(smtp.messages) == 1


async def test_after_the_last_attempt_the_message_is_failed_with_the_error(
    services: Services, smtp: SmtpServer
) -> None:
    smtp.stop()
    message_id = await _queue(services)
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(Exception, match="SMTP server"):
            await send(services, {"message_id": message_id})
    assert (await _row(services, message_id)).state == "queued"
    with pytest.raises(Exception, match="SMTP server"):
        await send(services, {"message_id": message_id})
    row = await _row(services, message_id)
    assert (row.state, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.last_error and "127.0.0.1" in row.last_error


async def test_a_recipient_the_server_refuses_fails_at_once_without_retries(
    services: Services, smtp: SmtpServer
) -> None:
    smtp.inbox.refuse.add("aino@example.com")
    message_id = await _queue(services)
    await services.runner.drain()
    row = await _row(services, message_id)
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error and "550" in row.last_error
    assert await _jobs(services) == 0
    assert smtp.messages == []


async def test_outbox_mode_holds_the_message_and_sends_nothing(
    services: Services, smtp: SmtpServer
) -> None:
    services.settings = services.settings.with_(mail="outbox")
    message_id = await _queue(services)
    assert await _jobs(services) == 0
    assert await services.runner.drain() == 0
    assert (await _row(services, message_id)).state == "held"
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hello\r\nBcc: victim@example.com"),
        ("subject", "Hello\nX-Evil: 1"),
        ("to", "aino@example.com\r\nBcc: victim@example.com"),
        ("to", "aino@example.com, victim@example.com"),
        ("headers", {"X-Note": "one\rtwo"}),
        ("headers", {"Bcc": "victim@example.com"}),
        ("headers", {"Bad Name": "x"}),
    ],
)
async def test_header_injection_is_refused_before_anything_is_stored(
    services: Services, smtp: SmtpServer, field: str, value: object
) -> None:
    draft = Draft(**{**{f: getattr(DRAFT, f) for f in DRAFT.__slots__}, field: value})  # type: ignore[arg-type]
    with pytest.raises(HeaderInjection) as refused:
        await _queue(services, draft)
    assert refused.value.code == "mail_header_injection"
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(MailMessage)) == 0
