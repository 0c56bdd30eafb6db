"""A campaign's message for one subscriber: the body rendered once per campaign (Markdown with
markdown-it-py, raw HTML off, then nh3), personalised per recipient (``{{name}}``,
``{{email}}``; escaped in HTML), built as RFC 5322 bytes by hand (multipart/alternative, plain
text then HTML, quoted-printable) and DKIM-signed with dkimpy over the headers of ``SIGNED``.

Built by hand rather than with ``email.message``: at hundreds of messages a second the
standard library's builder was the largest cost after the signature.
"""

from __future__ import annotations

import binascii
import html
import re
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, formataddr

import dkim
import nh3
from markdown_it import MarkdownIt

from porina.core.clock import now
from porina.mail.dkim import DkimKey, configured_key
from porina.settings import Settings

FIELDS = ("name", "email")
"""The personalisation fields: ``{{name}}`` (the subscriber's name, or nothing) and
``{{email}}``."""
PLACEHOLDER = re.compile(r"\{\{\s*(name|email)\s*\}\}")
SIGNED = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
TAGS = {"p", "br", "h1", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "code", "pre"}
TAGS |= {"blockquote", "hr"}


@dataclass(frozen=True, slots=True)
class Body:
    """The campaign rendered once: its subject, Markdown source (the plain-text part) and
    sanitised HTML, both still holding the placeholders."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class Recipient:
    subscriber_id: int
    email: str
    name: str
    headers: dict[str, str]
    """``List-Unsubscribe``, ``List-Unsubscribe-Post``, ``List-Id``."""


def render_body(subject: str, markdown: str) -> Body:
    raw = _MARKDOWN.render(markdown)
    cleaned = nh3.clean(
        raw,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
        strip_comments=True,
    )
    return Body(subject=subject, text=markdown.strip() + "\n", html=cleaned)


def page_html(body: Body, lang: str = "en") -> str:
    title = html.escape(body.subject)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n{body.html}</body></html>\n"
    )


def personalise(template: str, name: str, email: str, *, escape: bool) -> str:
    values = {"name": name, "email": email}

    def value(found: re.Match[str]) -> str:
        text = values[found.group(1)]
        return html.escape(text) if escape else text

    return PLACEHOLDER.sub(value, template)


def _qp(text: str) -> bytes:
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    encoded: bytes = binascii.b2a_qp(data, istext=True, header=False)
    return encoded.replace(b"\n", b"\r\n")


def _header(value: str) -> str:
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def safe_name(name: str) -> str:
    return CONTROL.sub(" ", name).strip()


@dataclass(frozen=True, slots=True)
class Sender:
    """What every message of one campaign shares."""

    campaign_id: int
    from_header: str
    body: Body
    domain: str
    key: DkimKey | None
    selector: str


def sender_for(settings: Settings, campaign_id: int, from_name: str, body: Body) -> Sender:
    from_header = formataddr((safe_name(from_name), settings.mail_from), charset="utf-8")
    return Sender(
        campaign_id=campaign_id,
        from_header=from_header,
        body=body,
        domain=settings.mail_domain,
        key=configured_key(settings),
        selector=settings.dkim_selector,
    )


def message_id(sender: Sender, subscriber_id: int) -> str:
    """The same on every attempt, so a receiver can drop a copy sent again after a crash."""
    return f"<newsletter.{sender.campaign_id}.{subscriber_id}@{sender.domain}>"


@dataclass(frozen=True, slots=True)
class Parts:
    """One recipient's subject, plain text and HTML page, personalised."""

    subject: str
    text: str
    html: str


def parts(sender: Sender, recipient: Recipient) -> Parts:
    name = safe_name(recipient.name)
    return Parts(
        subject=safe_name(personalise(sender.body.subject, name, recipient.email, escape=False)),
        text=personalise(sender.body.text, name, recipient.email, escape=False),
        html=personalise(page_html(sender.body), name, recipient.email, escape=True),
    )


def build(sender: Sender, recipient: Recipient) -> bytes:
    """The signed message for ``recipient``, CRLF line ends."""
    name = safe_name(recipient.name)
    found = parts(sender, recipient)
    boundary = f"=_porina_{sender.campaign_id}_{recipient.subscriber_id}"
    head = [
        ("From", sender.from_header),
        ("To", formataddr((name, recipient.email), charset="utf-8")),
        ("Subject", _header(found.subject)),
        ("Date", format_datetime(now())),
        ("Message-ID", message_id(sender, recipient.subscriber_id)),
        *recipient.headers.items(),
        ("Precedence", "bulk"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    data = b"".join(
        [
            "".join(f"{k}: {v}\r\n" for k, v in head).encode("ascii"),
            b"\r\n",
            _part(boundary, "plain", found.text),
            _part(boundary, "html", found.html),
            f"--{boundary}--\r\n".encode("ascii"),
        ]
    )
    return sign(sender, data)


def _part(boundary: str, subtype: str, text: str) -> bytes:
    head = (
        f"--{boundary}\r\nContent-Type: text/{subtype}; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return head.encode("ascii") + _qp(text) + b"\r\n"


def sign(sender: Sender, data: bytes) -> bytes:
    if sender.key is None:
        return data
    header: bytes = dkim.sign(
        data,
        sender.selector.encode("ascii"),
        sender.domain.encode("ascii"),
        sender.key.private,
        signature_algorithm=sender.key.algorithm.encode("ascii"),
        include_headers=list(SIGNED),
    )
    return header + data
