"""Pushing a notification: two durable jobs, after the notification's transaction commits.

``notifications.web_push`` (one per notification) reads the notification as its recipient
would see it now (``queries.notification``: a status they can no longer see, a sender they
blocked or muted since, a dismissed or filtered notification is not pushed) and queues one
``notifications.web_push_deliver`` per subscription whose alerts and policy want it.

``notifications.web_push_deliver`` (one per subscription and notification, retried on its own
so one slow push service never repeats another's message) encrypts Mastodon's payload for the
subscription's keys — RFC 8291 ``aes128gcm`` when the subscription is ``standard``, else the
legacy ``aesgcm`` draft, as Mastodon — signs a VAPID token (RFC 8292) and POSTs it through the
guarded outbound client. As Mastodon's worker: a 4xx other than 408/429 means the subscription
is dead and it is deleted; 408, 429 and 5xx raise, so the job engine retries with back-off.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import http_ece
import msgspec
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import and_, exists, or_, select

from porina.accounts.models import Account, Follow, OAuthToken, User, WebSession
from porina.core.clock import now
from porina.http.client import OutboundClient, OutboundResponse
from porina.http.errors import BadScheme, BadUrl, BlockedAddress, OutboundError
from porina.jobs.queue import JobContext, enqueue, handler
from porina.notifications import queries
from porina.notifications.models import Notification
from porina.notifications.push import actions, payload
from porina.notifications.push.browser import SESSION_LIFETIME
from porina.notifications.push.keys import VapidKeys, b64url, public_bytes, unb64url, unseal
from porina.notifications.push.keys import vapid_keys as load_keys
from porina.notifications.push.models import WebPushSubscription
from porina.posts.models import Status
from porina.storage.db import Database

log = logging.getLogger(__name__)

TTL = timedelta(hours=48)
"""How long a push service keeps an undelivered message, and how old a notification may be
when its job runs (Mastodon's ``TTL``)."""
URGENCY = "normal"
DELIVER_ATTEMPTS = 6
"""Mastodon retries a push five times."""
PERMANENT = (BlockedAddress, BadScheme, BadUrl)
"""Refusals the outbound client will give again (a private address, plain http to a host not
allow-listed): retrying cannot help, and the subscription is removed, as Mastodon removes one
whose endpoint fails its validation."""


class PushContext(JobContext, Protocol):
    """What the push jobs need: the job context and the guarded outbound client."""

    @property
    def outbound(self) -> OutboundClient: ...


class PushFailed(Exception):
    """The push service answered with a status worth trying again (408, 429, 5xx)."""


def _ended() -> Any:
    """Whether a subscription's token was revoked, or the web session it belongs to expired."""
    expired = WebSession.last_seen_at < now() - SESSION_LIFETIME
    return or_(OAuthToken.revoked_at.is_not(None), and_(WebSession.id_hash.is_not(None), expired))


def subscriptions(account_id: int) -> Any:
    """The account's subscriptions, each with whether it has ended (``_ended``)."""
    return (
        select(WebPushSubscription, _ended())
        .join(OAuthToken, OAuthToken.id == WebPushSubscription.token_id)
        .outerjoin(WebSession, WebSession.id_hash == OAuthToken.web_session_hash)
        .where(WebPushSubscription.account_id == account_id)
    )


async def queue_push(tx: Any, notification_id: int, account_id: int) -> None:
    """Queue the push of a new notification (called in its transaction)."""
    await enqueue(
        tx,
        "notifications.web_push",
        {"notification_id": notification_id, "account_id": account_id},
    )


async def _follows(db: Database, follower: int, target: int) -> bool:
    async with db.read() as session:
        found = await session.scalar(
            select(
                exists().where(Follow.account_id == follower, Follow.target_account_id == target)
            )
        )
    return bool(found)


async def wanted(db: Database, sub: WebPushSubscription, note: Notification) -> bool:
    """Mastodon's ``pushable?``: the alert is on and the policy lets the sender through."""
    if not sub.alerts.get(note.type, False):
        return False
    if sub.policy == "none":
        return False
    if sub.policy == "followed":
        return await _follows(db, note.account_id, note.from_account_id)
    if sub.policy == "follower":
        return await _follows(db, note.from_account_id, note.account_id)
    return True


@handler("notifications.web_push")
async def fan_out(ctx: JobContext, job: dict[str, Any]) -> None:
    nid, account_id = int(job["notification_id"]), int(job["account_id"])
    async with ctx.db.read() as session:
        note = await queries.notification(session, account_id, nid)
        rows = (await session.execute(subscriptions(account_id))).all()
    ended = [sub.id for sub, revoked in rows if revoked]
    live = [sub for sub, revoked in rows if not revoked]
    if note is None or note.created_at < now() - TTL:
        live = []
    chosen = [sub.id for sub in live if await wanted(ctx.db, sub, note)] if note else []
    if not (ended or chosen):
        return
    async with ctx.db.transaction() as tx:
        for sub_id in ended:  # token revoked or web session expired: the subscription ends
            await actions.forget(tx, sub_id)
        for sub_id in chosen:
            await enqueue(
                tx,
                "notifications.web_push_deliver",
                {"subscription_id": sub_id, "notification_id": nid},
                key=f"web_push:{sub_id}:{nid}",
                max_attempts=DELIVER_ATTEMPTS,
            )


@dataclass(frozen=True, slots=True)
class _Message:
    sub: WebPushSubscription
    body: dict[str, Any]


async def _message(ctx: PushContext, sub_id: int, nid: int) -> _Message | None:
    """The subscription and what to tell it, or None when there is nothing to push any more
    (subscription or token gone, notification no longer shown to its recipient)."""
    async with ctx.db.read() as session:
        found = (
            await session.execute(
                select(WebPushSubscription, OAuthToken.web_session_hash.is_not(None), _ended())
                .join(OAuthToken, OAuthToken.id == WebPushSubscription.token_id)
                .outerjoin(WebSession, WebSession.id_hash == OAuthToken.web_session_hash)
                .where(WebPushSubscription.id == sub_id)
            )
        ).first()
        if found is None or found[2]:
            return None
        sub, browser = found[0], found[1]
        note = await queries.notification(session, sub.account_id, nid)
        if note is None or note.created_at < now() - TTL:
            return None
        sender = await session.get(Account, note.from_account_id)
        status = await session.get(Status, note.status_id) if note.status_id else None
        author = await session.get(Account, status.account_id) if status and browser else None
        locale = (
            await session.scalar(select(User.locale).where(User.id == sub.user_id))
            if sub.user_id is not None
            else None
        )
    if sender is None:
        return None
    token = unseal(ctx.settings.resolved_secret(), sub.token_sealed)
    if token is None:
        log.warning("web push %s: the instance secret changed; sending no access token", sub_id)
    body = payload.message(
        access_token="" if browser else (token or ""),  # the web app uses its session instead
        locale=locale,
        notification_id=note.id,
        kind=note.type,
        sender=sender,
        status=status,
        base_url=ctx.settings.base_url,
    )
    if browser:  # the web app's service worker opens this page when the notification is clicked
        path = payload.page_path(note.type, sender, status, author)
        body["url"] = ctx.settings.base_url.rstrip("/") + path
    return _Message(sub, body)


def encrypt(
    sub: WebPushSubscription, plaintext: bytes, keys: VapidKeys, subject: str
) -> tuple[bytes, dict[str, str]]:
    """The request body and headers of one push message to ``sub``."""
    server = ec.generate_private_key(ec.SECP256R1())
    salt = os.urandom(16)
    receiver = unb64url(sub.key_p256dh)
    auth = unb64url(sub.key_auth)
    jwt = keys.token(sub.endpoint, subject)
    headers = {
        "Content-Type": "application/octet-stream",
        "TTL": str(int(TTL.total_seconds())),
        "Urgency": URGENCY,
    }
    if sub.standard:
        body = http_ece.encrypt(
            plaintext,
            salt=salt,
            private_key=server,
            dh=receiver,
            auth_secret=auth,
            version="aes128gcm",
        )
        headers |= {
            "Content-Encoding": "aes128gcm",
            "Authorization": f"vapid t={jwt},k={keys.header_key}",
        }
        return body, headers
    body = http_ece.encrypt(
        plaintext, salt=salt, private_key=server, dh=receiver, auth_secret=auth, version="aesgcm"
    )
    headers |= {
        "Content-Encoding": "aesgcm",
        "Encryption": f"salt={b64url(salt)}",
        "Crypto-Key": f"dh={b64url(public_bytes(server.public_key()))};p256ecdsa={keys.header_key}",
        "Authorization": f"WebPush {jwt}",
    }
    return body, headers


@handler("notifications.web_push_deliver")
async def deliver(ctx: PushContext, job: dict[str, Any]) -> None:
    sub_id, nid = int(job["subscription_id"]), int(job["notification_id"])
    message = await _message(ctx, sub_id, nid)
    if message is None:
        return
    keys = await load_keys(ctx.db)
    content, headers = encrypt(
        message.sub, msgspec.json.encode(message.body), keys, f"mailto:{ctx.settings.contact_email}"
    )
    headers["Unsubscribe-URL"] = ctx.settings.base_url.rstrip("/") + "/api/v1/push/subscription"
    try:
        response = await ctx.outbound.post(message.sub.endpoint, content=content, headers=headers)
    except PERMANENT as exc:  # an endpoint Porina never reaches: the subscription is dead
        log.warning("web push subscription %s removed: %s", sub_id, exc)
        async with ctx.db.transaction() as tx:
            await actions.forget(tx, sub_id)
        return
    except OutboundError as exc:
        raise PushFailed(f"push service unreachable: {exc}") from exc
    await _answered(ctx, message.sub, response)


async def _answered(ctx: PushContext, sub: WebPushSubscription, response: OutboundResponse) -> None:
    if response.ok:
        return
    if 400 <= response.status < 500 and response.status not in (408, 429):
        async with ctx.db.transaction() as tx:
            await actions.forget(tx, sub.id)
        log.info(
            "web push subscription %s removed: the push service answered %s",
            sub.id,
            response.status,
        )
        return
    raise PushFailed(f"push service answered {response.status}")
