"""The built-in bounce receiver over real SMTP (issue 19, point 5): aiosmtpd listening as
``porina bounces serve`` does, sent a delivery status notification (RFC 3464) and a complaint
(RFC 5965 ARF) by aiosmtplib; a forged or unknown return path is refused at RCPT TO."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import aiosmtplib
import pytest
from sqlalchemy import select

from porina.newsletter import bounces_smtp, verp
from porina.newsletter.models import NewsletterBounce, NewsletterSubscriber
from porina.services import Services
from tests.factories import Factory
from tests.support.smtp import HOST, free_port

from .bounce_support import arf, brand, dsn, send, statuses

CAMPAIGN = 4242


@pytest.fixture
async def receiver(services: Services) -> AsyncIterator[int]:
    port = free_port()
    server = await bounces_smtp.listen(services.settings, services.db, HOST, port)
    yield port
    server.close()
    await server.wait_closed()


async def kinds(services: Services) -> list[tuple[str, int | None, str]]:
    async with services.db.read() as session:
        rows = await session.scalars(select(NewsletterBounce).order_by(NewsletterBounce.id))
        return [(r.kind, r.campaign_id, r.source) for r in rows]


async def test_a_dsn_with_a_permanent_failure_blocklists_the_subscriber(
    services: Services, make: Factory, receiver: int
) -> None:
    cafe = await brand(services, make)
    one = await cafe.sign_up(make.client, "aino@example.com", 0)
    two = await cafe.sign_up(make.client, "aino@example.com", 1)
    path = verp.return_path(services.settings, CAMPAIGN, one)
    await send(receiver, path, dsn(path, "failed", "5.1.1"))
    assert await kinds(services) == [("hard", CAMPAIGN, "smtp")]
    assert await statuses(services, "aino@example.com") == {one: "blocklisted", two: "blocklisted"}


async def test_temporary_failures_are_soft_and_delays_are_not_bounces(
    services: Services, make: Factory, receiver: int
) -> None:
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    path = verp.return_path(services.settings, CAMPAIGN, one)
    await send(receiver, path, dsn(path, "delayed", "4.4.7"))
    await send(receiver, path, dsn(path, "delivered", "2.0.0"))
    assert await kinds(services) == []
    for _ in range(2):
        await send(receiver, path, dsn(path, "failed", "4.2.2"))
    assert await kinds(services) == [("soft", CAMPAIGN, "smtp")] * 2
    assert await statuses(services, "aino@example.com") == {one: "confirmed"}
    await send(receiver, path, dsn(path, "failed", "4.2.2"))
    assert await statuses(services, "aino@example.com") == {one: "blocklisted"}


async def test_an_arf_complaint_blocklists_and_not_spam_does_not(
    services: Services, make: Factory, receiver: int
) -> None:
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    path = verp.return_path(services.settings, CAMPAIGN, one)
    await send(receiver, path, arf(path, "not-spam"))
    await send(receiver, path, b"Subject: Out of office\r\n\r\nI am away.\r\n")
    assert await statuses(services, "aino@example.com") == {one: "confirmed"}
    await send(receiver, path, arf(path))
    assert await kinds(services) == [("complaint", CAMPAIGN, "smtp")]
    assert await statuses(services, "aino@example.com") == {one: "blocklisted"}


async def test_forged_and_unknown_return_paths_are_refused(
    services: Services, make: Factory, receiver: int
) -> None:
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    genuine = verp.return_path(services.settings, CAMPAIGN, one)
    forged = genuine.replace(f".s{one}.", f".s{one + 1}.")
    domain = verp.bounce_domain(services.settings)
    for address in (forged, f"postmaster@{domain}", f"bounces@{domain}", "aino@example.com"):
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            await send(receiver, address, dsn(address, "failed", "5.1.1"))
        assert refused.value.recipients[0].code == 550
    assert await kinds(services) == []
    assert await statuses(services, "aino@example.com") == {one: "confirmed"}


async def test_porina_bounces_serve_receives_a_bounce(services: Services, make: Factory) -> None:
    """The command an operator runs, in its own process on the same database."""
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    path = verp.return_path(services.settings, CAMPAIGN, one)
    port = free_port()
    env = {
        **os.environ,
        "PORINA_DATA_DIR": str(services.settings.data_dir),
        "PORINA_DATABASE_URL": services.settings.database_url,
        "PORINA_SECRET_KEY": services.settings.secret_key,
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "porina", "bounces", "serve", "--port", str(port),
        env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        ready = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        assert b"bounce receiver on smtp://127.0.0.1:" in ready
        await send(port, path, dsn(path, "failed", "5.1.1"))
    finally:
        child.terminate()
        await child.wait()
    assert child.returncode == 0
    assert await statuses(services, "aino@example.com") == {one: "blocklisted"}


async def test_the_list_unsubscribe_mailto_unsubscribes_the_token_in_its_subject(
    services: Services, make: Factory, receiver: int
) -> None:
    """A mail program's unsubscribe by mail: the receiver reads List-Unsubscribe's mailto:
    and unsubscribes the subscription its subject names; a subject naming none changes
    nothing."""
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    async with services.db.read() as session:
        token = await session.scalar(
            select(NewsletterSubscriber.token).where(NewsletterSubscriber.id == one)
        )
    mailbox = verp.unsubscribe_address(services.settings)
    async with aiosmtplib.SMTP(hostname=HOST, port=receiver, timeout=10) as client:
        forged = b"Subject: unsubscribe " + b"x" * 43 + b"\r\n\r\nplease\r\n"
        await client.sendmail("aino@example.com", [mailbox], forged)
        assert await statuses(services, "aino@example.com") == {one: "confirmed"}
        mail = f"Subject: Re: unsubscribe {token}\r\nTo: {mailbox}\r\n\r\n\r\n".encode()
        await client.sendmail("aino@example.com", [mailbox.upper()], mail)
    assert await statuses(services, "aino@example.com") == {one: "unsubscribed"}
