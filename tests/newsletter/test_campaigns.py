"""Newsletter campaigns (issue 19, points 2-4) through a real SMTP server: the headers every
message carries, its DKIM signature checked by dkimpy against the configured key, both MIME
parts, personalisation, one-click unsubscribe from the received header, who receives (confirmed
only, once per address), pause/resume/cancel, scheduling, preview, test sends and bad input."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import dkim
import pytest

from porina.core.actor import Actor
from porina.core.clock import now
from porina.jobs.queue import tick
from porina.mail.dkim import load_key, record_text
from porina.newsletter import campaigns, campaigns_delivery, verp
from porina.services import Services
from porina.settings import Settings
from tests.desk.inbox_support import staff
from tests.factories import Factory
from tests.newsletter.campaign_support import (
    CAMPAIGNS,
    campaign,
    campaign_mail,
    filled_list,
    manager_of,
    ok,
    path_of,
    show,
)
from tests.support.smtp import SmtpServer, sending_to

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def dkim_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dkim") / "key.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        check=True,
        stdout=path.open("wb"),
        stderr=subprocess.DEVNULL,
    )
    return path


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer, dkim_key: Path) -> Settings:
    return sending_to(
        settings,
        smtp,
        instance_title="Porina",
        dkim_key_file=str(dkim_key),
        dkim_selector="s1",
        newsletter_send_rate=0,
    )


PEOPLE = [
    ("aino@example.com", "Aino <Ä>", "confirmed"),
    ("eero@example.com", "Eero", "confirmed"),
    ("kaisa@example.com", "Kaisa", "unsubscribed"),
    ("olli@example.com", "Olli", "blocklisted"),
]


async def test_a_sent_campaign_carries_the_headers_and_a_dkim_signature_that_verifies(
    services: Services, make: Factory, smtp: SmtpServer, dkim_key: Path
) -> None:
    manager = await manager_of(services, make)
    first = await filled_list(manager, PEOPLE)
    # Eero is on both lists: one mail; Olli is confirmed here but blocklisted there: none
    second = await filled_list(
        manager, [("eero@example.com", "E", "confirmed"), ("olli@example.com", "O", "confirmed")]
    )
    created = await campaign(manager, [first, second])
    assert created["state"] == "draft"
    started = ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/send"))
    assert started["state"] == "sending" and started["recipients"] == 2
    await services.runner.drain()
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["aino@example.com", "eero@example.com"]
    done = await show(manager, created["id"])
    assert (done["state"], done["sent"], done["duplicates"], done["pending"]) == ("sent", 2, 0, 0)
    mail = next(m for m in smtp.messages if m.rcpt_tos == ["aino@example.com"])
    message = mail.message
    for name in ("List-Unsubscribe", "List-Id", "Message-ID", "Date", "From", "To"):
        assert message[name], name
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mailbox = verp.unsubscribe_address(services.settings)  # read by the bounce receiver
    assert f"<mailto:{mailbox}?subject=unsubscribe%20" in message["List-Unsubscribe"]
    assert "https://" in message["List-Unsubscribe"] or "http://" in message["List-Unsubscribe"]
    assert message["Subject"] == "Hei Aino <Ä>!"
    parsed = verp.parse(services.settings, mail.mail_from)
    assert parsed is not None and parsed[0] == int(created["id"])
    key = load_key(dkim_key)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"s1._domainkey.kahvila.example."
        return record_text(key).encode()

    assert dkim.verify(mail.raw, dnsfunc=dns)
    signature = message["DKIM-Signature"].replace("\r\n", "").replace(" ", "")
    signed = signature.split("h=", 1)[1].split(";", 1)[0].split(":")
    for name in ("from", "to", "subject", "date", "message-id", "list-id", "list-unsubscribe"):
        assert name in signed
    assert "list-unsubscribe-post" in signed
    assert mail.part("plain").startswith("# Uutta\n\nHei Aino <Ä>.")
    html = mail.part("html")
    assert "<h1>Uutta</h1>" in html and "Hei Aino &lt;Ä&gt;." in html
    tampered = mail.raw.replace(b"Uutta", b"Vanha")
    assert not dkim.verify(tampered, dnsfunc=dns)


async def test_one_click_on_the_received_header_unsubscribes_and_counts_for_the_campaign(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:2])
    created = await campaign(manager, [listing])
    ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/send"))
    await services.runner.drain()
    mail = next(m for m in smtp.messages if m.rcpt_tos == ["eero@example.com"])
    https = mail.message["List-Unsubscribe"].split("<", 1)[1].split(">", 1)[0]
    make.client.cookies.clear()
    done = await make.client.post(
        path_of(https), content=b"List-Unsubscribe=One-Click", headers=FORM
    )
    assert done.status_code == 200
    rows = ok(await manager.get(f"/api/porina/v1/newsletter/lists/{listing}/subscribers"))
    assert {r["email"]: r["status"] for r in rows}["eero@example.com"] == "unsubscribed"
    assert (await show(manager, created["id"]))["unsubscribed"] == 1
    # the next campaign skips him
    again = await campaign(manager, [listing], subject="Toinen")
    assert ok(await manager.post(f"{CAMPAIGNS}/{again['id']}/send"))["recipients"] == 1


def actor_of(manager: Any) -> Actor:
    return Actor(account_id=manager.brand.account.id, user_id=manager.person.user.id, operated=True)


async def test_pause_mid_send_resume_and_cancel(
    services: Services, make: Factory, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaigns_delivery, "BATCH", 2)
    manager = await manager_of(services, make)
    rows = [(f"p{i}@example.com", f"P{i}", "confirmed") for i in range(12)]
    listing = await filled_list(manager, rows)
    created = await campaign(manager, [listing])
    actor, cid = actor_of(manager), int(created["id"])
    async with services.db.transaction() as tx:
        await campaigns.send_now(tx, actor, cid)
    sending = asyncio.create_task(services.runner.drain())
    for _ in range(20_000):
        if campaign_mail(smtp):
            break
        await asyncio.sleep(0.005)
    async with services.db.transaction() as tx:
        await campaigns.control(tx, actor, cid, "pause")
    await sending
    paused = await show(manager, created["id"])
    assert paused["state"] == "paused" and 0 < paused["sent"] < 12
    assert len(campaign_mail(smtp)) == paused["sent"]
    assert ok(await manager.post(f"{CAMPAIGNS}/{cid}/resume"))["state"] in {"sending", "sent"}
    await services.runner.drain()
    done = await show(manager, created["id"])
    assert (done["state"], done["sent"], done["duplicates"]) == ("sent", 12, 0)
    assert sorted(m.rcpt_tos[0] for m in campaign_mail(smtp)) == sorted(r[0] for r in rows)
    assert (await manager.post(f"{CAMPAIGNS}/{cid}/cancel")).status_code == 409
    other = await campaign(manager, [listing], scheduled_at=(now() + timedelta(days=1)).isoformat())
    assert ok(await manager.post(f"{CAMPAIGNS}/{other['id']}/cancel"))["state"] == "cancelled"
    await tick(services.db, now() + timedelta(days=2))
    await services.runner.drain()
    assert len(campaign_mail(smtp)) == 12
    assert (await manager.post(f"{CAMPAIGNS}/{other['id']}/resume")).status_code == 409


async def test_a_scheduled_campaign_starts_when_due_and_drafts_can_be_edited_and_deleted(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:1])
    at = (now() + timedelta(hours=1)).isoformat()
    created = await campaign(manager, [listing], scheduled_at=at)
    assert created["state"] == "scheduled" and created["scheduled_at"]
    changed = await manager.client.patch(
        f"{CAMPAIGNS}/{created['id']}", headers=manager.headers, json={"subject": "Uusi"}
    )
    assert ok(changed)["subject"] == "Uusi"
    await tick(services.db, now())
    await services.runner.drain()
    assert campaign_mail(smtp) == []
    await tick(services.db, now() + timedelta(hours=2))
    await services.runner.drain()
    assert [m.message["Subject"] for m in campaign_mail(smtp)] == ["Uusi"]
    assert (await show(manager, created["id"]))["state"] == "sent"
    gone = await campaign(manager, [listing])
    deleted = await manager.client.delete(f"{CAMPAIGNS}/{gone['id']}", headers=manager.headers)
    assert deleted.status_code == 200
    assert (await manager.get(f"{CAMPAIGNS}/{gone['id']}")).status_code == 404
    sent_one = await manager.client.delete(f"{CAMPAIGNS}/{created['id']}", headers=manager.headers)
    assert sent_one.status_code == 409


async def test_preview_and_test_send_count_nothing(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:1])
    created = await campaign(manager, [listing], body="Hei **{{name}}** <script>x()</script>")
    seen = ok(await manager.get(f"{CAMPAIGNS}/{created['id']}/preview"))
    assert "<strong>Aino &lt;Ä&gt;</strong>" in seen["html"] and "<script>" not in seen["html"]
    assert seen["text"].startswith("Hei **Aino <Ä>**")
    tested = ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/test", json={"email": "me@x.fi"}))
    assert tested == {"sent_to": "me@x.fi"}
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["me@x.fi"] and mail.message["List-Unsubscribe-Post"]
    after = await show(manager, created["id"])
    assert (after["state"], after["sent"]) == ("draft", 0)


async def test_a_digest_lists_the_brands_recent_public_posts(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:1])
    await manager.brand.status("Uusi kahvi on tullut", visibility="public")
    await manager.brand.status("Vain seuraajille", visibility="private")
    created = await campaign(manager, [listing], kind="digest", body="Viikon uutiset:")
    seen = ok(await manager.get(f"{CAMPAIGNS}/{created['id']}/preview"))
    assert "Uusi kahvi on tullut" in seen["text"] and "Vain seuraajille" not in seen["text"]


async def bad(manager: Any, status: int, **body: Any) -> None:
    response = await manager.post(CAMPAIGNS, json=body)
    assert response.status_code == status, response.text
    assert isinstance(response.json()["error"], str)


async def test_bad_input_is_refused_in_mastodons_shape_and_nothing_is_sent(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:1])
    other = await manager_of(services, make, "leipomo")
    foreign = await filled_list(other, [("x@example.com", "X", "confirmed")])
    await bad(manager, 422, list_ids=[listing], subject="Hei\r\nBcc: all@x", body="x")
    await bad(manager, 422, list_ids=[listing], subject="", body="x")
    # 10 MB is refused by the request size limit; a body over MAX_BODY by the campaign
    await bad(manager, 413, list_ids=[listing], subject="Iso", body="x" * (10 * 1024 * 1024))
    await bad(manager, 422, list_ids=[listing], subject="Iso", body="x" * 200_001)
    await bad(manager, 404, list_ids=[foreign], subject="Vieras", body="x")
    await bad(manager, 422, list_ids=[], subject="Tyhjä", body="x")
    await bad(manager, 422, list_ids=[listing], subject="Laji", body="x", kind="html")
    created = await campaign(manager, [listing])
    path = f"{CAMPAIGNS}/{created['id']}"
    for address in ("nobody", "a@b.fi\r\nRCPT TO:<c@d.fi>", "a b@c.fi"):
        response = await manager.post(f"{path}/test", json={"email": address})
        assert response.status_code == 422 and response.json()["error"]
    past = await manager.post(f"{path}/schedule", json={"scheduled_at": "2001-01-01T00:00:00Z"})
    assert past.status_code == 422
    assert (await other.get(path)).status_code == 404
    assert (await other.post(f"{path}/send")).status_code == 404
    await services.runner.drain()
    assert smtp.messages == []


async def test_only_the_owner_or_a_manager_runs_campaigns(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await filled_list(manager, PEOPLE[:1])
    created = await campaign(manager, [listing])
    agent = await staff(services, make, manager.brand, "kahvila_agentti", "agent")
    assert (await agent.get(f"{CAMPAIGNS}/{created['id']}")).status_code == 403
    assert (await agent.post(f"{CAMPAIGNS}/{created['id']}/send")).status_code == 403
    stranger = await make.person("vieras")
    response = await make.client.get(
        f"{CAMPAIGNS}/{created['id']}", headers={"Authorization": f"Bearer {stranger.token}"}
    )
    assert response.status_code == 404
