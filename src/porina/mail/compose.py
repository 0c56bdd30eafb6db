"""A message to send (``Draft``) and the RFC 5322 message built from an outbox row.

Every message has Message-ID, Date, From (``PORINA_MAIL_FROM`` with the instance title as its
display name), To, Subject and a multipart/alternative body: plain text first, then HTML.
Header values are checked for CR, LF and NUL before anything is stored or sent
(``HeaderInjection``); the standard library would refuse some of them later, but with an
untyped error after the message was accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from porina.core.clock import aware
from porina.mail.errors import HeaderInjection
from porina.mail.models import MailMessage
from porina.settings import Settings

FORBIDDEN = re.compile(r"[\r\n\0]")
HEADER_NAME = re.compile(r"^[!-9;-~]{1,76}$")
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
RESERVED = frozenset(
    {"message-id", "date", "from", "to", "subject", "mime-version", "content-type", "cc", "bcc"}
)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (``mail_attachments``)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Draft:
    """What an action asks to send: one recipient, a subject, both bodies."""

    to: str
    subject: str
    text: str
    html: str
    kind: str
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


def check_value(name: str, value: str) -> None:
    if FORBIDDEN.search(value):
        raise HeaderInjection(f"Mail header {name} may not contain line breaks")


def check(draft: Draft) -> None:
    """Refuse a draft whose headers could be injected into, or whose recipient is not one
    plain address."""
    check_value("To", draft.to)
    check_value("Subject", draft.subject)
    if not ADDRESS.match(draft.to) or len(draft.to) > 320:
        raise HeaderInjection("Mail recipient must be one e-mail address")
    for name, value in draft.headers.items():
        if not HEADER_NAME.match(name) or name.lower() in RESERVED:
            raise HeaderInjection(f"Mail header name {name!r} is not allowed")
        check_value(name, value)


def new_message_id(settings: Settings) -> str:
    return make_msgid(domain=settings.mail_domain)


def sender(settings: Settings) -> Address:
    return Address(display_name=settings.instance_title, addr_spec=settings.mail_from)


def build(
    row: MailMessage, settings: Settings, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """The message as it goes over SMTP (CRLF line ends), built the same on every attempt;
    with ``attachments``, multipart/mixed around the alternative bodies."""
    headers = dict(row.headers or {})
    check(Draft(row.to_address, row.subject, "", "", row.kind, headers))
    message = EmailMessage(policy=SMTP)
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(aware(row.created_at))
    message["From"] = sender(settings)
    message["To"] = row.to_address
    message["Subject"] = row.subject
    for name, value in headers.items():
        message[name] = value
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    for item in attachments:
        main, _, sub = item.content_type.partition("/")
        message.add_attachment(item.data, maintype=main, subtype=sub, filename=item.filename)
    return message
