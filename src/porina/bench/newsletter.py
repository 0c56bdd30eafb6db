"""Newsletter sending at scale (issue 19, point 4): ``porina bench --only newsletter``.

A brand with one list of ``recipients`` confirmed subscribers (written straight into the
database) and one campaign scheduled for now; ``porina serve`` (jobs in process, as a small
install runs) starts it at its first tick and sends it, DKIM-signed, to one local SMTP
server in its own process (``python -m porina.bench.newsletter receive PORT``: aiosmtpd,
counting what it accepts and checking the DKIM signature of every ``VERIFY_EVERY``-th
message). Measured: messages a second from the campaign's start to its end (its
``started_at``/``finished_at``), the count received, the load average. Target: >= 300/s.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import dkim
from aiosmtpd.controller import Controller
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from porina.accounts.models import Account
from porina.bench.bulk import chunks
from porina.bench.server import Server, Stack, free_port
from porina.core.clock import aware, now
from porina.core.ids import new_id
from porina.mail.dkim import load_key, record_text
from porina.newsletter.campaigns_models import NewsletterCampaign, NewsletterCampaignList
from porina.newsletter.models import NewsletterList, NewsletterSubscriber

TARGET = 300.0
VERIFY_EVERY = 1000
Say = Callable[[str], None]


class _MailingServer(Server):
    smtp_port = 0
    key_file = ""
    connections = 8

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "PORINA_MAIL": "smtp",
            "PORINA_SMTP_PORT": str(self.smtp_port),
            "PORINA_MAIL_FROM": "news@bench.example",
            "PORINA_DKIM_KEY_FILE": self.key_file,
            "PORINA_NEWSLETTER_SEND_RATE": "0",
            "PORINA_NEWSLETTER_SMTP_CONNECTIONS": str(self.connections),
        }


def _key(folder: Path, algorithm: str) -> Path:
    path = folder / f"dkim-{algorithm}.pem"
    extra = ["-pkeyopt", "rsa_keygen_bits:2048"] if algorithm == "RSA" else []
    with path.open("wb") as sink:
        subprocess.run(
            ["openssl", "genpkey", "-algorithm", algorithm, *extra], stdout=sink, check=True
        )
    return path


COUNTS = ("recipients", "sent", "failed", "duplicates", "bounced", "unsubscribed")
BODY = "# Hello {{name}}\n\n" + "This week at the café: new beans, a tasting on Friday.\n\n" * 8


def _subscriber(listing: int, i: int, moment: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "list_id": listing,
        "email": f"r{i}@bench.example",
        "name": f"Reader {i}",
        "locale": "en",
        "status": "confirmed",
        "token": secrets.token_urlsafe(24),
        "created_at": moment,
        "confirmed_at": moment,
        "soft_bounces": 0,
        "hard_bounces": 0,
    }


async def _seed(url: str, recipients: int) -> int:
    """The brand, its list, ``recipients`` confirmed subscribers and a campaign due now."""
    engine = create_async_engine(url)
    moment = now()
    brand, listing, campaign = new_id(), new_id(), new_id()
    stamps = {"created_at": moment, "updated_at": moment}
    async with engine.begin() as conn:
        await conn.execute(
            insert(Account),
            [{"id": brand, "username": "uutiset", "display_name": "Uutiset", "created_at": moment}],
        )
        await conn.execute(
            insert(NewsletterList),
            [{"id": listing, "brand_account_id": brand, "name": "Bench", **stamps}],
        )
    rows = (_subscriber(listing, i, moment) for i in range(recipients))
    for batch in chunks(rows, 5000):
        async with engine.begin() as conn:
            await conn.execute(insert(NewsletterSubscriber), batch)
    async with engine.begin() as conn:
        await conn.execute(
            insert(NewsletterCampaign),
            [
                {
                    "id": campaign,
                    "brand_account_id": brand,
                    "subject": "News for {{name}}",
                    "kind": "markdown",
                    "body": BODY,
                    "state": "scheduled",
                    "scheduled_at": moment,
                    **dict.fromkeys(COUNTS, 0),
                    **stamps,
                }
            ],
        )
        await conn.execute(
            insert(NewsletterCampaignList), [{"campaign_id": campaign, "list_id": listing}]
        )
    await engine.dispose()
    return campaign


async def _finished(url: str, campaign: int, say: Say, limit: float) -> dict[str, Any]:
    engine = create_async_engine(url)
    deadline, last = time.monotonic() + limit, -1
    try:
        while True:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        select(NewsletterCampaign).where(NewsletterCampaign.id == campaign)
                    )
                ).one()
            if row.sent // 10_000 != last:
                last = row.sent // 10_000
                say(f"  {row.state}: {row.sent:,} sent")
            if row.state == "sent" or time.monotonic() > deadline:
                break
            await asyncio.sleep(1.0)
    finally:
        await engine.dispose()
    seconds = (
        (aware(row.finished_at) - aware(row.started_at)).total_seconds()
        if row.finished_at and row.started_at
        else float("nan")
    )
    return {
        "state": row.state,
        "recipients": row.recipients,
        "sent": row.sent,
        "failed": row.failed,
        "duplicates": row.duplicates,
        "seconds": round(seconds, 2),
        "per_second": round(row.sent / seconds, 1) if seconds and not math.isnan(seconds) else 0.0,
    }


async def _one(stack: Stack, recipients: int, algorithm: str, say: Say) -> dict[str, Any]:
    port = free_port()
    server = _MailingServer(stack, "newsletter")
    async with server:
        server.smtp_port = port
        server.key_file = str(_key(server.folder, algorithm))
        count_file = server.folder / "received.txt"
        receiver = subprocess.Popen(  # noqa: ASYNC220 - a server for the whole run
            [
                sys.executable,
                "-m",
                "porina.bench.newsletter",
                "receive",
                str(port),
                str(count_file),
                server.key_file,
            ]
        )
        try:
            say(f"newsletter: seeding {recipients:,} subscribers ...")
            campaign = await _seed(server.database_url, recipients)
            load_before = os.getloadavg()
            await server.start()
            found = await _finished(server.database_url, campaign, say, limit=3600)
            load_after = os.getloadavg()
        finally:
            await asyncio.sleep(1.0)
            receiver.terminate()
            receiver.wait(timeout=30)
        received = count_file.read_text().split() if count_file.exists() else ["0", "0", "0"]
    return {
        **found,
        "dkim": algorithm,
        "received": int(received[0]),
        "dkim_checked": int(received[1]),
        "dkim_failed": int(received[2]),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "connections": server.connections,
    }


async def measure(stack: Stack, recipients: int, rsa_recipients: int, say: Say) -> dict[str, Any]:
    """Ed25519 at ``recipients``; RSA-2048 at ``rsa_recipients`` (0: skipped)."""
    found = {"ed25519": await _one(stack, recipients, "ED25519", say)}
    say(f"newsletter ed25519: {found['ed25519']}")
    if rsa_recipients:
        found["rsa"] = await _one(stack, rsa_recipients, "RSA", say)
        say(f"newsletter rsa-2048: {found['rsa']}")
    return found


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = results.get("newsletter") or {}
    out = []
    for name, row in found.items():
        out.append(
            {
                "name": f"newsletter: {row['sent']:,} messages, DKIM {name} (messages/s)",
                "value": row["per_second"],
                "target": f">= {TARGET:.0f}",
                "met": row["per_second"] >= TARGET and row["received"] >= row["recipients"],
            }
        )
    return out


def receive(port: int, count_file: Path, key_file: str) -> None:
    """The SMTP server of the bench: accept, count, verify a sample of DKIM signatures."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    record = record_text(load_key(Path(key_file))).encode()
    counts = [0, 0, 0]

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            counts[0] += 1
            if counts[0] % VERIFY_EVERY == 1:
                counts[1] += 1
                raw = bytes(envelope.original_content or envelope.content)
                if not dkim.verify(raw, dnsfunc=lambda name, timeout=5: record):
                    counts[2] += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    while not stop[0]:
        time.sleep(0.5)
        count_file.write_text(" ".join(map(str, counts)))
    controller.stop()
    count_file.write_text(" ".join(map(str, counts)))


if __name__ == "__main__" and sys.argv[1:2] == ["receive"]:
    receive(int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
