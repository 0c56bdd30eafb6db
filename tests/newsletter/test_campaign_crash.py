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
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from porina.core.actor import Actor
from porina.core.clock import now
from porina.jobs.models import Job
from porina.jobs.queue import enqueue
from porina.newsletter import campaigns
from porina.newsletter.campaigns_models import NewsletterCampaign, NewsletterSend
from porina.newsletter.campaigns_sending import SEND, STALE, scheduler
from porina.services import Services
from tests.factories import Factory
from tests.newsletter.campaign_support import campaign, filled_list, manager_of, show
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
        await _until(lambda: len(smtp.messages) >= 60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    before = len(smtp.messages)
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
            if (await show(manager, created["id"]))["state"] == "sent":
                break
            await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait()
    done = await show(manager, created["id"])
    assert done["state"] == "sent", log.read_text()[-3000:]
    received = Counter(m.rcpt_tos[0] for m in smtp.messages)
    seen = f"before the kill {before}, in flight {in_flight}, campaign {done}"
    assert set(received) == {r[0] for r in rows}, seen
    twice = sum(n - 1 for n in received.values())
    # ``duplicates`` counts every recipient whose mail was in flight at the kill (sent again,
    # so it may have arrived twice): an upper bound of the copies, never less
    assert twice <= done["duplicates"] == in_flight, f"{twice} arrived twice; {seen}"
    assert done["sent"] == RECIPIENTS, seen


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
