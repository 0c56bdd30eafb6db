"""Web Push tables: subscriptions (one per access token) and the instance's VAPID key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column


class WebPushSubscription(Base):
    """Where to push a person's notifications: the push service's ``endpoint`` and the
    browser's keys (``key_p256dh``, ``key_auth``, base64url as sent). Bound to the access token
    that made it: revoking the token ends it (rows of revoked tokens are never read, and the
    token's deletion deletes them). ``alerts`` maps a notification type to whether it is
    pushed; ``policy`` is ``all``, ``followed``, ``follower`` or ``none``. ``token_sealed`` is
    the access token itself, encrypted with the instance secret (tokens are otherwise stored
    only as hashes): Mastodon's payload carries it so the app can fetch the notification."""

    __tablename__ = "web_push_subscriptions"
    id: Mapped[int] = id_column()
    token_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_tokens.id", ondelete="CASCADE"), unique=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    endpoint: Mapped[str] = mapped_column(Text)
    key_p256dh: Mapped[str] = mapped_column(String(128))
    key_auth: Mapped[str] = mapped_column(String(64))
    standard: Mapped[bool] = mapped_column(Boolean, default=False)
    alerts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    policy: Mapped[str] = mapped_column(String(16), default="all")
    token_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_web_push_subscriptions_account_id", "account_id"),)


class WebPushKey(Base):
    """The instance's VAPID key pair (RFC 8292), made once on first need and kept: push
    services accept only messages signed by the key a subscription was made with, so it must
    survive restarts and be the same in every process. One row, ``id`` 1."""

    __tablename__ = "web_push_keys"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    private_pem: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(128))
    """The uncompressed P-256 point, base64url with padding, as Mastodon shows it."""
    created_at: Mapped[datetime]
