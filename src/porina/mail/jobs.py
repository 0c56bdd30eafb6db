"""The ``mail.send`` job: build, sign and deliver one outbox message.

Idempotent: a message already sent (or held) is left alone when the job runs again. A failed
attempt is written on the row (``attempts``, ``last_error``) and raised, so the job engine
retries with its backoff; after the last attempt the row is ``failed``. A permanent refusal
(an SMTP 5xx) fails the row at once and is not retried. Delivery is at least once: should the
process die between the server's "250 OK" and the row's update, the next run sends again, with
the same Message-ID for the receiver to deduplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.errors import PorinaError
from porina.jobs.queue import JobContext, handler
from porina.mail import compose, dkim
from porina.mail.models import MailAttachment, MailMessage
from porina.mail.smtp import SmtpFailure, deliver
from porina.settings import Settings
from porina.storage.db import Database

SEND = "mail.send"
MAX_ATTEMPTS = 14
"""With the engine's backoff (2 s doubling, capped at an hour): about two hours of retries."""


def signed_bytes(
    row: MailMessage, settings: Settings, attachments: Sequence[compose.Attachment] = ()
) -> bytes:
    """The message as sent: built from the row, DKIM-signed when a key is configured."""
    data = compose.build(row, settings, attachments).as_bytes()
    key = dkim.configured_key(settings)
    if key is None:
        return data
    return dkim.sign(data, key, settings.dkim_selector, settings.mail_domain)


@handler(SEND)
async def send(ctx: JobContext, payload: dict[str, Any]) -> None:
    db, settings = ctx.db, ctx.settings
    async with db.read() as session:
        row = await session.get(MailMessage, int(payload["message_id"]))
        files = await _attachments(session, row.id) if row is not None else []
    if row is None or row.state in {"sent", "held"}:
        return
    try:
        data = signed_bytes(row, settings, files)
        await deliver(settings, settings.mail_from, row.to_address, data)
    except PorinaError as exc:
        give_up = isinstance(exc, SmtpFailure) and exc.permanent
        await _failed(db, row, exc.message, give_up=give_up)
        if not give_up:
            raise
        return
    await _set(db, row.id, state="sent", sent_at=now(), attempts=row.attempts + 1)


async def _attachments(session: AsyncSession, message_id: int) -> list[compose.Attachment]:
    rows = await session.scalars(
        select(MailAttachment)
        .where(MailAttachment.message_id == message_id)
        .order_by(MailAttachment.id)
    )
    return [compose.Attachment(r.filename, r.content_type, r.data) for r in rows]


async def _failed(db: Database, row: MailMessage, error: str, *, give_up: bool) -> None:
    attempts = row.attempts + 1
    # A job an operator queued again (``porina admin retry-jobs``) starts a new round.
    last = give_up or attempts % MAX_ATTEMPTS == 0
    await _set(
        db, row.id, state="failed" if last else "queued", attempts=attempts, last_error=error
    )


async def _set(db: Database, message_id: int, **values: Any) -> None:
    async with db.transaction() as tx:
        await tx.session.execute(
            update(MailMessage).where(MailMessage.id == message_id).values(**values)
        )
