"""VERP return paths: the envelope sender of each campaign mail names its campaign and
subscriber, so a bounce or complaint sent back to it says whom it is about (issue 19, point 5;
docs/newsletter.md, "Bounces and complaints").

``bounces+c<campaign id>.s<subscriber id>.<hmac8>@<bounce domain>``: ``hmac8`` is the first 8
hex digits of an HMAC-SHA256 over the two ids with the server's secret, so nobody can make up
an address that blocklists someone else's subscriber. The domain is ``PORINA_BOUNCE_DOMAIN``,
or the domain of ``PORINA_MAIL_FROM``.

``bounces+unsubscribe@<bounce domain>`` is the ``mailto:`` of every newsletter mail's
``List-Unsubscribe``, with the subscriber's token in the subject: it goes the same way as the
return paths (to the bounce receiver), which unsubscribes the token's subscription.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from porina.settings import Settings

LOCAL_PREFIX = "bounces"
_LOCAL = re.compile(r"bounces\+c([1-9][0-9]{0,17})\.s([1-9][0-9]{0,17})\.([0-9a-f]{8})")


def bounce_domain(settings: Settings) -> str:
    """PORINA_BOUNCE_DOMAIN, or the domain of PORINA_MAIL_FROM, lower case."""
    domain = settings.bounce_domain or settings.mail_from.rpartition("@")[2] or "localhost"
    return domain.strip().lower()


def _mac(settings: Settings, campaign_id: int, subscriber_id: int) -> str:
    key = settings.resolved_secret().encode()
    message = f"verp:{campaign_id}:{subscriber_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:8]


def return_path(settings: Settings, campaign_id: int, subscriber_id: int) -> str:
    """The envelope sender (MAIL FROM) of one campaign mail to one subscriber."""
    mac = _mac(settings, campaign_id, subscriber_id)
    return f"{LOCAL_PREFIX}+c{campaign_id}.s{subscriber_id}.{mac}@{bounce_domain(settings)}"


def unsubscribe_address(settings: Settings) -> str:
    """The mailbox of ``List-Unsubscribe``'s ``mailto:`` (the bounce receiver reads it)."""
    return f"{LOCAL_PREFIX}+unsubscribe@{bounce_domain(settings)}"


def _local(settings: Settings, address: str) -> str | None:
    """The local part of an address of the bounce domain (lower case), else None."""
    value = address.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    local, at, domain = value.lower().rpartition("@")
    return local if at and domain == bounce_domain(settings) else None


def is_unsubscribe(settings: Settings, address: str) -> bool:
    return _local(settings, address) == f"{LOCAL_PREFIX}+unsubscribe"


def parse(settings: Settings, address: str) -> tuple[int, int] | None:
    """(campaign id, subscriber id) of a genuine return path, else None (forged, malformed, or
    another domain). Angle brackets and the case of the address are ignored."""
    local = _local(settings, address)
    if local is None:
        return None
    found = _LOCAL.fullmatch(local)
    if found is None:
        return None
    campaign_id, subscriber_id = int(found[1]), int(found[2])
    if not hmac.compare_digest(_mac(settings, campaign_id, subscriber_id), found[3]):
        return None
    return campaign_id, subscriber_id
