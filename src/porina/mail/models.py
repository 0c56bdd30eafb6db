"""The outbox: every message Porina has accepted to send, and what became of it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column

MailState = Literal["queued", "sent", "failed", "held"]


class MailMessage(Base):
    """One message to one recipient. ``queued`` until the ``mail.send`` job delivers it
    (``sent``) or gives up after its last attempt (``failed``, with ``last_error``); ``held``
    when ``PORINA_MAIL=outbox``: kept here and shown at ``/admin/mail``, never sent.
    ``message_id`` and ``created_at`` (the Date header) are fixed when the message is queued,
    so every attempt sends the same message."""

    __tablename__ = "mail_messages"
    id: Mapped[int] = id_column()
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    message_id: Mapped[str] = mapped_column(String(255))


class MailAttachment(Base):
    """A file sent with an outbox message (the weekly report's PDF), kept with it so every
    attempt sends the same bytes."""

    __tablename__ = "mail_attachments"
    id: Mapped[int] = id_column()
    message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    data: Mapped[bytes] = mapped_column(LargeBinary)
