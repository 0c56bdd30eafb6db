"""Mail tests send to a real aiosmtpd server on 127.0.0.1 (``tests/support/smtp.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from porina.settings import Settings
from tests.support.smtp import SmtpServer, running_smtp

MAIL_FROM = "hello@kahvila.example"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return settings.with_(
        mail="smtp",
        smtp_port=smtp.port,
        mail_from=MAIL_FROM,
        instance_title="Kahvila Porina",
    )
