"""Mail errors, each with a machine code."""

from __future__ import annotations

from porina.core.errors import PorinaError, Unprocessable


class HeaderInjection(Unprocessable):
    """A header value (recipient, subject, extra header) holds CR, LF or NUL: refused, since it
    could smuggle headers or a whole second message into the SMTP stream."""

    code = "mail_header_injection"


class DeliveryFailed(PorinaError):
    """The SMTP server could not be reached or refused the message; the job retries."""

    status = 503
    code = "mail_delivery_failed"


class DkimKeyError(PorinaError):
    """PORINA_DKIM_KEY_FILE cannot be read or is not an RSA or Ed25519 private key in PEM."""

    status = 500
    code = "dkim_key_invalid"
