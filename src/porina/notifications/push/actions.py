"""Writers of Web Push subscriptions: one per access token (a new one replaces the old, as
Mastodon's ``POST /api/v1/push/subscription`` does), its alerts and policy, and its end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select

from porina.accounts.models import OAuthToken
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.notifications.notify import NotificationType
from porina.notifications.push.keys import seal, unb64url
from porina.notifications.push.models import WebPushSubscription
from porina.storage.db import Tx

ALERTS: tuple[NotificationType, ...] = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
    "quote",
    "quoted_update",
)
"""Every alert a subscription can turn on (Mastodon's ``Notification::TYPES``)."""
POLICIES = ("all", "followed", "follower", "none")
AUTH_BYTES = 16


@dataclass(frozen=True, slots=True)
class Alerts:
    """``data``: which notification types are pushed (all off unless given) and from whom."""

    alerts: Mapping[str, bool] = field(default_factory=dict)
    policy: str = "all"

    def stored(self) -> dict[str, bool]:
        return {kind: bool(self.alerts.get(kind, False)) for kind in ALERTS}


@dataclass(frozen=True, slots=True)
class Holder:
    """The access token a subscription belongs to, and its holder."""

    token_id: int
    token: str
    account_id: int
    user_id: int | None


@dataclass(frozen=True, slots=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str
    standard: bool = False


def validate(sub: Subscription, data: Alerts) -> None:
    """422 as Mastodon (4.3+) for an endpoint that is not an http(s) URL, a p256dh that is not
    a P-256 point, an auth secret that is not 16 bytes, or an unknown policy."""
    problems: list[str] = []
    parts = urlsplit(sub.endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append("Endpoint is invalid")
    if not sub.p256dh:
        problems.append("Key p256dh can't be blank")
    if not sub.auth:
        problems.append("Key auth can't be blank")
    if sub.p256dh and sub.auth and not _keys_usable(sub.p256dh, sub.auth):
        problems.append("Keys are not a valid P-256 public key and 16-byte auth secret")
    if data.policy not in POLICIES:
        problems.append(f"Policy must be one of {', '.join(POLICIES)}")
    if problems:
        raise Unprocessable("Validation failed: " + ", ".join(problems))


def _keys_usable(p256dh: str, auth: str) -> bool:
    try:
        point = unb64url(p256dh)
        secret = unb64url(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return len(point) == 65 and len(secret) == AUTH_BYTES


async def subscribe(tx: Tx, holder: Holder, sub: Subscription, data: Alerts) -> WebPushSubscription:
    """Replace the token's subscription (if any) by a new one."""
    validate(sub, data)
    # The token's row, locked on PostgreSQL: two subscribes with one token take turns.
    locked = select(OAuthToken.id).where(OAuthToken.id == holder.token_id)
    if not tx.db.is_sqlite:
        locked = locked.with_for_update()
    await tx.session.execute(locked)
    await tx.session.execute(
        delete(WebPushSubscription).where(WebPushSubscription.token_id == holder.token_id)
    )
    moment = now()
    row = WebPushSubscription(
        id=new_id(),
        token_id=holder.token_id,
        account_id=holder.account_id,
        user_id=holder.user_id,
        endpoint=sub.endpoint.strip(),
        key_p256dh=sub.p256dh.strip(),
        key_auth=sub.auth.strip(),
        standard=sub.standard,
        alerts=data.stored(),
        policy=data.policy,
        token_sealed=seal(tx.settings.resolved_secret(), holder.token),
        created_at=moment,
        updated_at=moment,
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def update(tx: Tx, token_id: int, data: Alerts) -> WebPushSubscription:
    """New alerts and policy for the token's subscription (Mastodon replaces ``data``)."""
    if data.policy not in POLICIES:
        raise Unprocessable(f"Validation failed: Policy must be one of {', '.join(POLICIES)}")
    row = await tx.session.scalar(
        select(WebPushSubscription).where(WebPushSubscription.token_id == token_id)
    )
    if row is None:
        raise NotFound()
    row.alerts = data.stored()
    row.policy = data.policy
    row.updated_at = now()
    await tx.session.flush()
    return row


async def unsubscribe(tx: Tx, token_id: int) -> None:
    await tx.session.execute(
        delete(WebPushSubscription).where(WebPushSubscription.token_id == token_id)
    )


async def forget(tx: Tx, subscription_id: int) -> None:
    """The push service said the subscription is gone (404, 410...): drop it."""
    await tx.session.execute(
        delete(WebPushSubscription).where(WebPushSubscription.id == subscription_id)
    )


def alerts_from(raw: Mapping[str, Any]) -> dict[str, bool]:
    """Only the known alert types of a ``data[alerts]`` mapping (values already booleans)."""
    return {kind: bool(raw[kind]) for kind in ALERTS if kind in raw}
