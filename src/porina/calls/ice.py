"""The ICE servers a call's browsers use (``RTCPeerConnection({iceServers})``), from settings.

STUN only tells a browser its public address; TURN relays media when no direct path exists.
With ``call_turn_secret`` (coturn's ``use-auth-secret``/``static-auth-secret``, the TURN REST
API), each call gets a user name ``<expiry>:<account id>`` and the password
``base64(HMAC-SHA1(secret, user name))``, valid until the expiry; the secret stays here.
Without any server, ``[]``: browsers on one network still connect (host candidates).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from porina.core.clock import now
from porina.settings import Settings


def _urls(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def turn_credentials(secret: str, ttl: int, account_id: int, at: float) -> tuple[str, str]:
    """coturn's time-limited credentials: ``(username, password)``."""
    username = f"{int(at) + ttl}:{account_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def servers(settings: Settings, account_id: int) -> list[dict[str, Any]]:
    """The ``iceServers`` for ``account_id``'s side of a call."""
    found: list[dict[str, Any]] = []
    stun = _urls(settings.call_stun_urls)
    if stun:
        found.append({"urls": stun})
    turn = _urls(settings.call_turn_urls)
    if not turn:
        return found
    if settings.call_turn_secret:
        user, password = turn_credentials(
            settings.call_turn_secret, settings.call_turn_ttl, account_id, now().timestamp()
        )
        found.append({"urls": turn, "username": user, "credential": password})
    elif settings.call_turn_username:
        found.append(
            {
                "urls": turn,
                "username": settings.call_turn_username,
                "credential": settings.call_turn_credential,
            }
        )
    else:
        found.append({"urls": turn})
    return found
