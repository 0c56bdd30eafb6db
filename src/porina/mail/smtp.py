"""Delivery to the SMTP server in ``PORINA_SMTP_HOST``/``PORINA_SMTP_PORT`` with aiosmtplib.

STARTTLS is used when the server offers it. Any failure becomes ``DeliveryFailed``; a 5xx
answer (the server refuses this message for good) is marked ``permanent`` so it is not retried.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import aiosmtplib

from porina.mail.errors import DeliveryFailed
from porina.settings import Settings

TIMEOUT = 30.0
"""Seconds per SMTP step; well under the job lease (five minutes)."""


class SmtpFailure(DeliveryFailed):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _permanent(code: int) -> bool:
    return 500 <= code < 600


async def deliver(settings: Settings, sender: str, recipient: str, data: bytes) -> None:
    """Hand ``data`` (a whole RFC 5322 message) to the SMTP server for ``recipient``."""
    try:
        await aiosmtplib.send(
            data,
            sender=sender,
            recipients=[recipient],
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            local_hostname=urlsplit(settings.base_url).hostname or "localhost",
            timeout=TIMEOUT,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [refused.code for refused in exc.recipients]
        permanent = bool(codes) and all(_permanent(code) for code in codes)
        raise SmtpFailure(f"recipient refused: {exc}", permanent=permanent) from exc
    except aiosmtplib.SMTPResponseException as exc:
        text = f"SMTP {exc.code}: {exc.message}"
        raise SmtpFailure(text, permanent=_permanent(exc.code)) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise SmtpFailure(f"SMTP server {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc
