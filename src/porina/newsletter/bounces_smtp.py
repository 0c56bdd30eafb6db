"""The built-in bounce receiver: a small SMTP server (aiosmtpd) that mail servers send
bounces and complaints to (issue 19, point 5; docs/newsletter.md, "Bounces and complaints").

It accepts mail only for genuine VERP return paths (``verp.parse``; anything else is refused
at ``RCPT TO`` with 550), so the address itself says which campaign and subscriber a report is
about. What it understands:

- a delivery status notification (RFC 3464: ``multipart/report;
  report-type=delivery-status``): a recipient whose ``Action`` is ``failed`` with a ``5.x.x``
  status is a **hard** bounce, with a ``4.x.x`` status a **soft** one; ``delayed``,
  ``delivered``, ``relayed`` and ``expanded`` are not bounces;
- a complaint (RFC 5965 ARF: a ``message/feedback-report`` part), except ``Feedback-Type:
  not-spam``.

Anything else sent to a return path (an auto-reply, a bounce in no standard form) is accepted
and ignored. A database failure answers 451, so the sending server tries again later.

It also reads ``List-Unsubscribe``'s ``mailto:`` (``verp.unsubscribe_address``): a mail to it
whose subject holds ``unsubscribe <token>`` (as the header's link fills it in; a ``Re:`` or
other words around it do not matter) unsubscribes that token's subscription at once, as the
https link does; a subject with no known token changes nothing.
"""

from __future__ import annotations

import asyncio
import email
import logging
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from typing import Any

from aiosmtpd.smtp import SMTP
from sqlalchemy.exc import SQLAlchemyError

from porina.newsletter import bounces, subscriptions, verp
from porina.newsletter.errors import SubscriberNotFound
from porina.settings import Settings
from porina.storage.db import Database

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
"""Largest report accepted (a DSN may carry the whole original mail)."""
MAX_RECIPIENTS = 20
STATUS = re.compile(r"\s*([245])\.\d{1,3}\.\d{1,3}")
UNSUBSCRIBE = re.compile(r"unsubscribe\s+([A-Za-z0-9_-]{20,100})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Report:
    """What a received mail reports: ``kind`` (``hard``, ``soft``, ``complaint``) and a short
    detail (the DSN status and diagnostic, or the feedback type)."""

    kind: str
    detail: str


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a ``message/delivery-status`` or ``message/feedback-report``
    part (the parser gives them as messages; an encoded part is parsed here)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    chunks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [HeaderParser().parsestr(chunk) for chunk in chunks if chunk.strip()]


def _header(block: Message, name: str) -> str:
    return " ".join(str(block.get(name) or "").split())


def delivery_status(part: Message) -> Report | None:
    """The worst failure among the recipients of a DSN: hard before soft; None when no
    recipient failed."""
    found: Report | None = None
    for block in _blocks(part):
        status = STATUS.match(_header(block, "Status"))
        if _header(block, "Action").lower() != "failed" or status is None or status[1] == "2":
            continue
        detail = f"{status.group(0).strip()} {_header(block, 'Diagnostic-Code')}".strip()
        report = Report("hard" if status[1] == "5" else "soft", detail[:500])
        if report.kind == "hard":
            return report
        found = found or report
    return found


def feedback(part: Message) -> Report | None:
    blocks = _blocks(part)
    kind = _header(blocks[0], "Feedback-Type").lower() if blocks else ""
    if kind == "not-spam":
        return None
    return Report("complaint", (kind or "abuse")[:500])


def classify(raw: bytes) -> Report | None:
    """What a received mail reports, or None for anything that is not a bounce or complaint."""
    message = email.message_from_bytes(raw)
    if message.get_content_type() != "multipart/report":
        return None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            return feedback(part)
        if kind == "message/delivery-status":
            return delivery_status(part)
    return None


class BounceHandler:
    """aiosmtpd's handler: refuses recipients that are not genuine return paths, records
    the report of each accepted mail for each of its recipients."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        known = verp.is_unsubscribe(self.settings, address) or verp.parse(self.settings, address)
        if not known:
            return "550 5.1.1 Not a bounce address of this server"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = bytes(envelope.original_content or envelope.content or b"")
        recipients = list(envelope.rcpt_tos)
        report = classify(raw)
        try:
            if any(verp.is_unsubscribe(self.settings, a) for a in recipients):
                await self._unsubscribe(raw)
            if report is not None:
                await self._record(report, recipients)
        except (SQLAlchemyError, OSError):  # the database failed: the sender tries again later
            log.exception("could not record a bounce or an unsubscribe")
            return "451 4.3.0 Could not record the report, try again later"
        return "250 OK: recorded" if report is not None else "250 OK"

    async def _unsubscribe(self, raw: bytes) -> None:
        subject = str(email.message_from_bytes(raw).get("Subject") or "")
        found = UNSUBSCRIBE.search(" ".join(subject.split()))
        if found is None:
            return
        async with self.db.transaction() as tx:
            try:
                await subscriptions.unsubscribe(tx, found[1], "mailto")
            except SubscriberNotFound:
                log.info("an unsubscribe mail named no subscription")

    async def _record(self, report: Report, recipients: list[str]) -> None:
        async with self.db.transaction() as tx:
            for address in recipients:
                found = verp.parse(self.settings, address)
                if found is None:
                    continue
                campaign_id, subscriber_id = found
                bounce = bounces.Bounce(report.kind, "smtp", campaign_id, report.detail)
                await bounces.record(tx, subscriber_id, bounce)


async def listen(settings: Settings, db: Database, host: str, port: int) -> asyncio.Server:
    """The receiver on ``host:port`` in the running event loop (its caller closes it)."""
    handler = BounceHandler(settings, db)
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        return SMTP(
            handler,
            data_size_limit=MAX_BYTES,
            hostname=verp.bounce_domain(settings),
            ident="Porina bounce receiver",
        )

    return await loop.create_server(protocol, host=host, port=port)
