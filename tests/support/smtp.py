"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, in its own thread, keeping every
message it accepts as the raw bytes that came over the wire."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller

from porina.settings import Settings

HOST = "127.0.0.1"
LINK = re.compile(r"https?://\S+")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed: EmailMessage = email.message_from_bytes(self.raw, policy=default)  # type: ignore[assignment]
        return parsed

    def part(self, subtype: str) -> str:
        """The decoded text of the ``text/<subtype>`` part, with plain newlines."""
        body = self.message.get_body((subtype,))
        assert body is not None, f"no text/{subtype} part"
        content: str = body.get_content()  # type: ignore[attr-defined]
        return content.replace("\r\n", "\n")

    def link(self) -> str:
        """The first link of the plain-text part."""
        found = LINK.search(self.part("plain"))
        assert found is not None, self.part("plain")
        return found.group(0)


@dataclass
class Inbox:
    """The aiosmtpd handler: accepts everything, except recipients in ``refuse``."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(raw)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """``port`` is fixed at creation, so a test can run mail while the server is down and
    start it later on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return self.inbox.messages

    def start(self) -> None:
        self._controller = Controller(
            self.inbox, hostname=HOST, port=self.port, server_hostname="smtp.test"
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def running_smtp(*, started: bool = True) -> Iterator[SmtpServer]:
    server = SmtpServer()
    if started:
        server.start()
    try:
        yield server
    finally:
        server.stop()


def sending_to(settings: Settings, server: SmtpServer, **extra: Any) -> Settings:
    """``settings`` that send mail over SMTP to ``server`` (the tests' own sender)."""
    return settings.with_(
        mail="smtp",
        smtp_port=server.port,
        mail_from=extra.pop("mail_from", "hello@kahvila.example"),
        **extra,
    )
