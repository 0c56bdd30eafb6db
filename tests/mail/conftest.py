"""Mail tests send to a real aiosmtpd server on 127.0.0.1 (``tests/support/smtp.py``)."""

from __future__ import annotations

import pytest

from porina.settings import Settings
from tests.support.smtp import SmtpServer, sending_to

MAIL_FROM = "hello@kahvila.example"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, mail_from=MAIL_FROM, instance_title="Kahvila Porina")
