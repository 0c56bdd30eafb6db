"""``queue(tx, draft)``: the one way to send mail, and the outbox's reads for the admin page.

The row and its ``mail.send`` job are written in the caller's transaction: a rolled-back
action sends nothing, a committed one is delivered even if SMTP is down or the process
restarts. With ``PORINA_MAIL=outbox`` the row is ``held``: no job, nothing sent, the message
shown at ``/admin/mail``.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.ids import new_id
from porina.jobs.queue import enqueue
from porina.mail.compose import Draft, check, new_message_id
from porina.mail.jobs import MAX_ATTEMPTS, SEND
from porina.mail.models import MailAttachment, MailMessage
from porina.storage.db import Tx

log = logging.getLogger(__name__)
PAGE = 50
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


async def queue(tx: Tx, draft: Draft) -> MailMessage:
    """Accept ``draft`` for sending once ``tx`` commits; ``HeaderInjection`` if a header value
    holds a line break."""
    check(draft)
    held = tx.settings.mail == "outbox"
    row = MailMessage(
        id=new_id(),
        to_address=draft.to,
        subject=draft.subject,
        text_body=draft.text,
        html_body=draft.html,
        headers={**AUTOMATIC, **draft.headers},
        kind=draft.kind,
        state="held" if held else "queued",
        attempts=0,
        created_at=now(),
        message_id=new_message_id(tx.settings),
    )
    tx.session.add(row)
    if draft.attachments:
        await tx.session.flush()  # the message row before its attachments' foreign keys
    for item in draft.attachments:
        tx.session.add(
            MailAttachment(
                id=new_id(),
                message_id=row.id,
                filename=item.filename,
                content_type=item.content_type,
                data=item.data,
            )
        )
    if held:

        async def note() -> None:
            log.info(
                "mail %s to %s held in the outbox: /admin/mail/%s", row.kind, row.to_address, row.id
            )

        tx.after_commit(note)
    else:
        await enqueue(tx, SEND, {"message_id": row.id}, max_attempts=MAX_ATTEMPTS)
    return row


async def newest(
    session: AsyncSession, *, before: int | None = None, limit: int = PAGE
) -> list[MailMessage]:
    """The outbox, newest first; ``before`` an id to page back from."""
    query = select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    if before is not None:
        query = query.where(MailMessage.id < before)
    return list(await session.scalars(query))


async def one(session: AsyncSession, message_id: int) -> MailMessage | None:
    return await session.get(MailMessage, message_id)
