"""A campaign survives ``kill -9`` of the process sending it (issue 19, point 4): a real
``porina worker`` is killed with SIGKILL mid-campaign, another is started, and every confirmed
recipient gets the mail; the ones sent twice are at most those in flight at the kill, and the
campaign counts them."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from porina.core.actor import Actor
from porina.core.clock import now
from porina.jobs.models import Job
from porina.jobs.queue import enqueue
from porina.mail.models import MailMessage
from porina.newsletter import campaigns
from porina.newsletter.campaigns_delivery import KIND
from porina.newsletter.campaigns_models import NewsletterCampaign, NewsletterSend
from porina.newsletter.campaigns_sending import SEND, STALE, scheduler
from porina.services import Services
from tests.factories import Factory
from tests.newsletter.campaign_support import campaign, campaign_mail, filled_list, manager_of
from tests.support.server import porina_env
from tests.support.smtp import SmtpServer, free_port

RECIPIENTS = 300


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "porina", "worker"], env=env, stdout=sink, stderr=sink
        )


async def _until(check: Callable[[], object], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class Progress:
    state: str
    sent: int
    duplicates: int
    outboxed: int
    """The campaign's mails in the mail outbox (a sender running with ``PORINA_MAIL=outbox``)."""


async def _progress(services: Services, cid: int) -> Progress:
    """The campaign as the database has it, read without the API client: the test client runs
    every due job in this process after each response, with this process's settings
    (``PORINA_MAIL=outbox``), so watching the campaign through it during a takeover let the
    test itself become the new sender, which put every mail in the outbox and counted it sent
    (the kill -9 test's one failure: sent 300, 201 addresses without a mail)."""
    async with services.db.read() as session:
        row = await session.get(NewsletterCampaign, cid)
        assert row is not None
        boxed = await session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.kind == KIND)
        )
        return Progress(row.state, row.sent, row.duplicates, int(boxed or 0))


async def _explain(services: Services, cid: int) -> str:
    """How many of the campaign's send records are in each state."""
    async with services.db.read() as session:
        found = await session.execute(
            select(NewsletterSend.state, func.count())
            .where(NewsletterSend.campaign_id == cid)
            .group_by(NewsletterSend.state)
        )
        counts = sorted((str(state), int(n)) for state, n in found.all())
    return "send records: " + ", ".join(f"{state} {n}" for state, n in counts)


async def test_kill_9_mid_campaign_loses_no_recipient_and_counts_duplicates(
    services: Services, make: Factory, smtp: SmtpServer, tmp_path: Path
) -> None:
    manager = await manager_of(services, make)
    rows = [(f"r{i}@example.com", f"R{i}", "confirmed") for i in range(RECIPIENTS)]
    listing = await filled_list(manager, rows)
    created = await campaign(manager, [listing])
    cid = int(created["id"])
    actor = Actor(account_id=manager.brand.account.id, user_id=manager.person.user.id)
    async with services.db.transaction() as tx:
        await campaigns.send_now(tx, actor, cid)
    env = porina_env(
        tmp_path,
        free_port(),
        PORINA_DATABASE_URL=services.settings.effective_database_url,
        PORINA_MAIL="smtp",
        PORINA_SMTP_PORT=str(smtp.port),
        PORINA_MAIL_FROM="hello@kahvila.example",
        PORINA_SECRET_KEY=services.settings.resolved_secret(),
        # slow enough that the kill comes long before the end even on a loaded machine
        PORINA_NEWSLETTER_SEND_RATE="60",
    )
    log = tmp_path / "worker.log"
    first = _worker(env, log)
    try:
        await _until(lambda: len(campaign_mail(smtp)) >= 60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    before = len(campaign_mail(smtp))
    assert before < RECIPIENTS, "the campaign ended before the kill"
    async with services.db.read() as session:
        in_flight = await session.scalar(
            select(func.count())
            .select_from(NewsletterSend)
            .where(NewsletterSend.campaign_id == cid, NewsletterSend.state == "sending")
        )
    # let the dead sender's heartbeat age past STALE, as if half a minute had gone by
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(NewsletterCampaign)
            .where(NewsletterCampaign.id == cid)
            .values(heartbeat_at=now() - timedelta(minutes=1))
        )
    second = _worker(env, log)
    try:
        for _ in range(1200):
            if (await _progress(services, cid)).state == "sent":
                break
            await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait()
    done = await _progress(services, cid)
    received = Counter(m.rcpt_tos[0] for m in campaign_mail(smtp))
    seen = (
        f"before the kill {before}, in flight {in_flight}, {done}, "
        f"{len(received)} addresses received; {await _explain(services, cid)}"
    )
    assert done.state == "sent", f"{seen}\n{log.read_text()[-3000:]}"
    assert done.outboxed == 0, f"a process with PORINA_MAIL=outbox sent the campaign; {seen}"
    assert set(received) == {r[0] for r in rows}, seen
    twice = sum(n - 1 for n in received.values())
    # ``duplicates`` counts every recipient whose mail was in flight at the kill (sent again,
    # so it may have arrived twice): an upper bound of the copies, never less
    assert twice <= done.duplicates == in_flight, f"{twice} arrived twice; {seen}"
    assert done.sent == RECIPIENTS, seen


async def test_a_dead_senders_own_wake_job_does_not_delay_its_replacement(
    services: Services, make: Factory
) -> None:
    """The sender killed may itself be a wake job the scheduler queued in this same half
    minute; its row stays, leased to the dead process for minutes. The next tick must still
    queue a replacement at once, not wait for the lease (the kill -9 test took a minute more
    whenever the two fell in one half minute)."""
    manager = await manager_of(services, make)
    listing = await filled_list(manager, [("r@example.com", "R", "confirmed")])
    created = await campaign(manager, [listing])
    cid = int(created["id"])
    actor = Actor(account_id=manager.brand.account.id, user_id=manager.person.user.id)
    async with services.db.transaction() as tx:
        await campaigns.send_now(tx, actor, cid)
    moment = now()
    bucket = int(moment.timestamp() // STALE.total_seconds())
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(NewsletterCampaign)
            .where(NewsletterCampaign.id == cid)
            .values(sender="dead", heartbeat_at=moment - timedelta(minutes=1))
        )
        # the wake job this half minute's tick queued became the sender and was killed
        await enqueue(tx, SEND, {"campaign_id": cid}, key=f"{SEND}:{cid}:wake{bucket}")
        # every job of the campaign is held by the dead process, as a SIGKILL leaves them
        await tx.session.execute(
            update(Job).values(locked_by="dead", locked_until=moment + timedelta(minutes=5))
        )
    await scheduler(services.db, moment)
    async with services.db.read() as session:
        free = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == SEND, Job.locked_by.is_(None))
        )
    assert free == 1, "no sender queued to replace the dead one"


async def _dead_sender(services: Services, make: Factory, in_flight: int) -> int:
    """A campaign of five confirmed addresses whose sender was killed with ``in_flight`` of
    them claimed (``sending``): its heartbeat half a minute old, its job leased to the dead
    process, as ``kill -9`` leaves them; then a tick queues a replacement sender."""
    manager = await manager_of(services, make)
    rows = [(f"r{i}@example.com", f"R{i}", "confirmed") for i in range(5)]
    created = await campaign(manager, [await filled_list(manager, rows)])
    cid = int(created["id"])
    actor = Actor(account_id=manager.brand.account.id, user_id=manager.person.user.id)
    async with services.db.transaction() as tx:
        await campaigns.send_now(tx, actor, cid)
    moment = now()
    async with services.db.transaction() as tx:
        claimed = await tx.session.scalars(
            select(NewsletterSend.subscriber_id)
            .where(NewsletterSend.campaign_id == cid)
            .limit(in_flight)
        )
        await tx.session.execute(
            update(NewsletterSend)
            .where(
                NewsletterSend.campaign_id == cid,
                NewsletterSend.subscriber_id.in_(list(claimed)),
            )
            .values(state="sending", attempts=1)
        )
        await tx.session.execute(
            update(NewsletterCampaign)
            .where(NewsletterCampaign.id == cid)
            .values(sender="dead", heartbeat_at=moment - timedelta(minutes=1))
        )
        await tx.session.execute(
            update(Job).values(locked_by="dead", locked_until=moment + timedelta(minutes=5))
        )
    await scheduler(services.db, moment)
    return cid


async def test_a_takeover_in_a_process_with_the_outbox_keeps_every_mail_in_the_outbox(
    services: Services, make: Factory
) -> None:
    """The sequence of the kill -9 test's one failure (PostgreSQL, load 8-11): the first worker
    was killed with a batch of 200 in flight; the wake job the second worker's tick queued was
    run by the test process (its API client runs due jobs after every response), whose
    ``PORINA_MAIL`` is ``outbox``. The campaign was right about where its mail went: every
    address has one message in the outbox, and the ones in flight count as duplicates."""
    cid = await _dead_sender(services, make, in_flight=3)
    assert await services.runner.drain() == 1  # the replacement sender, in this process
    done = await _progress(services, cid)
    assert (done.state, done.sent, done.duplicates) == ("sent", 5, 3)
    async with services.db.read() as session:
        boxed = await session.scalars(
            select(MailMessage.to_address).where(MailMessage.kind == KIND)
        )
        addresses = sorted(boxed)
    assert addresses == [f"r{i}@example.com" for i in range(5)]
    assert await _explain(services, cid) == "send records: sent 5"


async def test_watching_a_campaign_leaves_its_replacement_sender_to_the_workers(
    services: Services, make: Factory
) -> None:
    """The kill -9 test watches the campaign while the second worker takes over; watching must
    not run the replacement sender in the test process (it did through the API client, so the
    mail the test waited for at its SMTP server went into the outbox instead)."""
    cid = await _dead_sender(services, make, in_flight=3)
    seen = await _progress(services, cid)
    assert (seen.state, seen.sent, seen.duplicates, seen.outboxed) == ("sending", 0, 0, 0)
    assert await _explain(services, cid) == "send records: pending 2, sending 3"
    async with services.db.read() as session:
        free = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == SEND, Job.locked_by.is_(None))
        )
    assert free == 1, "the replacement sender did not wait for a worker"
