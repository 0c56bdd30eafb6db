"""A brand with newsletter lists and subscribers, for the bounce and click tests: staff make
the lists through the API, people sign up through the API (single opt-in lists confirm at
once), and the bounce actions are called as the receiver and the webhook call them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosmtplib
import httpx
from sqlalchemy import select

from porina.core.clock import now
from porina.core.ids import new_id
from porina.newsletter import bounces
from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.newsletter.models import NewsletterSubscriber
from porina.services import Services
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory
from tests.support.smtp import HOST

LISTS = "/api/porina/v1/newsletter/lists"


@dataclass
class Brand:
    manager: Staff
    list_ids: list[int]

    async def sign_up(self, client: httpx.AsyncClient, email: str, n: int = 0) -> int:
        """The subscription id of ``email`` on the brand's ``n``-th list."""
        url = f"{LISTS}/{self.list_ids[n]}/subscribe"
        response = await client.post(url, json={"email": email, "name": "Aino"})
        assert response.status_code == 202, response.text
        rows = await self.manager.get(f"{LISTS}/{self.list_ids[n]}/subscribers")
        found = [r for r in rows.json() if r["email"] == email]
        assert found, rows.text
        return int(found[0]["id"])


async def brand(
    services: Services, make: Factory, name: str = "kahvila", lists: int = 2, **fields: Any
) -> Brand:
    owner = await make.person(name)
    manager = await staff(services, make, owner, f"{name}_mari", "manager")
    ids = []
    for n in range(lists):
        body = {"name": f"{name} {n}", "double_opt_in": False, **fields}
        response = await manager.post(LISTS, json=body)
        assert response.status_code == 200, response.text
        ids.append(int(response.json()["id"]))
    return Brand(manager, ids)


async def statuses(services: Services, email: str) -> dict[int, str]:
    """Subscription id -> state, for every subscription of ``email``."""
    async with services.db.read() as session:
        rows = await session.execute(
            select(NewsletterSubscriber.id, NewsletterSubscriber.status).where(
                NewsletterSubscriber.email == email
            )
        )
        return {int(i): str(s) for i, s in rows.all()}


async def bounce(services: Services, subscriber_id: int, kind: str, **extra: Any) -> bool:
    async with services.db.transaction() as tx:
        return await bounces.record(
            tx, subscriber_id, bounces.Bounce(kind=kind, source="smtp", **extra)
        )


async def campaign_row(
    services: Services,
    brand: Brand,
    sent: int,
    state: str = "sending",
    started_at: datetime | None = None,
) -> int:
    """A campaign of ``brand`` that has sent ``sent`` mails. Written directly: the bounce
    handling only reads a campaign's brand, state and counts, and the campaign writers are
    another part of the newsletter (``newsletter/campaigns*.py``)."""
    moment = now()
    row = NewsletterCampaign(
        id=new_id(),
        brand_account_id=brand.manager.brand.account.id,
        subject="Our news",
        state=state,
        sent=sent,
        started_at=started_at or moment,
        created_at=moment,
        updated_at=moment,
    )
    async with services.db.transaction() as tx:
        tx.session.add(row)
    return row.id


async def campaign(services: Services, campaign_id: int) -> NewsletterCampaign:
    async with services.db.read() as session:
        found = await session.get(NewsletterCampaign, campaign_id)
        assert found is not None
        return found


def dsn(return_path: str, action: str, status: str) -> bytes:
    return f"""From: MAILER-DAEMON@mx.example.net
To: {return_path}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn1"

--dsn1
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

--dsn1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Sat, 5 Dec 2026 16:00:00 +0000

Final-Recipient: rfc822; aino@example.com
Original-Recipient: rfc822;aino@example.com
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <aino@example.com>: Recipient address rejected

--dsn1
Content-Type: text/rfc822-headers

From: hello@kahvila.example
To: aino@example.com
Subject: Our news

--dsn1--
""".replace("\n", "\r\n").encode()


def arf(return_path: str, feedback_type: str = "abuse") -> bytes:
    return f"""From: feedback@mail.example.net
To: {return_path}
Subject: Complaint about message
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="arf1"

--arf1
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP 192.0.2.1.

--arf1
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: ExampleFBL/1.0
Version: 1
Original-Mail-From: <{return_path}>
Arrival-Date: Sat, 5 Dec 2026 16:00:00 +0000

--arf1
Content-Type: message/rfc822

From: hello@kahvila.example
To: aino@example.com
Subject: Our news

Hello.
--arf1--
""".replace("\n", "\r\n").encode()


async def send(port: int, return_path: str, raw: bytes) -> None:
    """A bounce's envelope: the null sender (``MAIL FROM:<>``), to the return path."""
    async with aiosmtplib.SMTP(hostname=HOST, port=port, timeout=10) as client:
        await client.sendmail("", [return_path], raw)
