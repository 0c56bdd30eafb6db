"""People and organisations (local and remote), their users, OAuth, and the social graph."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column, row_version


class Account(Base):
    """An actor: a person, a business (Organization), a Service (bot) or a Group.

    Local accounts have ``domain`` NULL; remote ones (federation) carry their URI, inboxes and
    public key. Counters are kept on the row so timelines render without extra queries.
    """

    __tablename__ = "accounts"
    id: Mapped[int] = id_column()
    username: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str | None] = mapped_column(String(255), default=None)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    note_source: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    emojis: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    """A remote account's custom emoji (its actor's ``Emoji`` tags, ``federation/emoji.py``)."""
    actor_type: Mapped[str] = mapped_column(String(16), default="Person")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    discoverable: Mapped[bool] = mapped_column(Boolean, default=True)
    indexable: Mapped[bool] = mapped_column(Boolean, default=True)
    hide_collections: Mapped[bool] = mapped_column(Boolean, default=False)
    avatar_path: Mapped[str | None] = mapped_column(String(255), default=None)
    header_path: Mapped[str | None] = mapped_column(String(255), default=None)
    avatar_remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    header_remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status_at: Mapped[datetime | None] = mapped_column(default=None)
    statuses_count: Mapped[int] = mapped_column(default=0)
    followers_count: Mapped[int] = mapped_column(default=0)
    following_count: Mapped[int] = mapped_column(default=0)
    suspended_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    """When deleting the account was asked for (its owner, or a moderator): it stays
    suspended for good, its name reserved (``moderation.purge``, ``privacy.deletion``)."""
    silenced_at: Mapped[datetime | None] = mapped_column(default=None)
    sensitized_at: Mapped[datetime | None] = mapped_column(default=None)
    """Set by a moderator's "sensitive" action: this account's media is always marked
    sensitive (Mastodon's force-sensitive)."""
    last_active_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the account last used Porina (an API token or a web session), kept to the day;
    None until first seen. Fan-out skips followers idle for longer than
    ``feed_active_days`` (``timelines/activity.py``)."""
    memorial: Mapped[bool] = mapped_column(Boolean, default=False)
    pseudonym: Mapped[bool] = mapped_column(Boolean, default=False)
    """The account an anonymous author posts under (``anonymity``): it follows what it
    answers in (a group it replied in), but its follows are not counted in the followed
    account's ``followers_count`` and it is no group's member."""
    moved_to_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    moved_at: Mapped[datetime | None] = mapped_column(default=None)
    """When this account last moved away (a move within 30 days of it is refused)."""
    # federation
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    inbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    shared_inbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    outbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    followers_url: Mapped[str | None] = mapped_column(Text, default=None)
    public_key_pem: Mapped[str | None] = mapped_column(Text, default=None)
    private_key_pem: Mapped[str | None] = mapped_column(Text, default=None)
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = row_version()

    __table_args__ = (
        Index(
            "uq_accounts_username_domain",
            text("lower(username)"),
            text("coalesce(domain, '')"),
            unique=True,
        ),
        Index("ix_accounts_uri", "uri"),
    )

    @property
    def is_local(self) -> bool:
        return self.domain is None


class User(Base):
    """A person who signs in. One user owns one personal account and may operate others."""

    __tablename__ = "users"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), default="user")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("uq_users_email", text("lower(email)"), unique=True),
        UniqueConstraint("account_id"),
    )


class AccountOperator(Base):
    """A staff user who operates an account (a brand account run by a team).

    Roles: owner, manager (everything but owners), agent (answers the desk), analyst (reads
    metrics only); migration 0019 renamed admin and editor to manager, responder to agent.
    Every write made through an operated account records ``operator_user_id`` in its event.
    """

    __tablename__ = "account_operators"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    added_by_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)


class OAuthApp(Base):
    __tablename__ = "oauth_apps"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(Text, default=None)
    redirect_uris: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret: Mapped[str] = mapped_column(String(64))
    owner_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    first_party: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class OAuthToken(Base):
    """An access token. Only its SHA-256 is stored; ``user_id`` is NULL for app-only tokens."""

    __tablename__ = "oauth_tokens"
    id: Mapped[int] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    app_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_apps.id", ondelete="CASCADE"), default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    scopes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    web_session_hash: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("web_sessions.id_hash", ondelete="CASCADE"), default=None, index=True
    )
    """Set on the push-only token of a browser's "Notifications on this device": the token
    (and its Web Push subscription) ends with the web session."""


class OAuthCode(Base):
    """A one-time authorization code (RFC 6749 4.1) with its PKCE challenge (RFC 7636)."""

    __tablename__ = "oauth_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("oauth_apps.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text)
    code_challenge: Mapped[str | None] = mapped_column(String(128), default=None)
    code_challenge_method: Mapped[str | None] = mapped_column(String(8), default=None)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    token_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    """The access token the code bought: revoked if the code is presented again."""


class WebSession(Base):
    """A signed-in browser. The cookie holds a random id; only its hash is stored."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    user_agent: Mapped[str] = mapped_column(Text, default="")
    acting_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )


class Follow(Base):
    __tablename__ = "follows"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[list[str] | None] = mapped_column(Json, default=None)
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    remote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The follower is on another server: kept by the database on insert (migration 0063's
    trigger), whichever path wrote the row; ``federation/reach.py`` asks it."""

    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_follows_target_account_id", "target_account_id", "account_id"),
        Index(
            "ix_follows_remote_target",
            "target_account_id",
            sqlite_where=text("remote = 1"),
            postgresql_where=text("remote"),
        ),
    )


class FollowRequest(Base):
    __tablename__ = "follow_requests"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[list[str] | None] = mapped_column(Json, default=None)
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_follow_requests_target_account_id", "target_account_id"),
    )


class Block(Base):
    __tablename__ = "blocks"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    uri: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_blocks_target_account_id", "target_account_id"),
    )


class Mute(Base):
    __tablename__ = "mutes"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    hide_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_mutes_target_account_id", "target_account_id"),
    )


class DomainBlock(Base):
    """A person hiding everything from one remote domain."""

    __tablename__ = "account_domain_blocks"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("account_id", "domain"),)


class AccountNote(Base):
    """A private note one account keeps about another (Relationship.note)."""

    __tablename__ = "account_notes"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")


class AccountPin(Base):
    """An account endorsed (featured) on a profile."""

    __tablename__ = "account_pins"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]


class RemoteInstance(Base):
    """A server Porina has met over federation, and the moderation applied to it."""

    __tablename__ = "instances"
    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    shared_inbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    software: Mapped[str | None] = mapped_column(String(64), default=None)
    severity: Mapped[str] = mapped_column(String(16), default="none")
    first_seen_at: Mapped[datetime]
    unreachable_since: Mapped[datetime | None] = mapped_column(default=None)
    failure_count: Mapped[int] = mapped_column(Integer, default=0)


class TeamAudit(Base):
    """One staff action taken as a brand account, or one change to its team: who (the staff
    user), as which account, what (the event type), on what, when. Written by the audit
    subscriber (``accounts.audit``); kept when the person leaves the team."""

    __tablename__ = "team_audit"
    __table_args__ = (Index("ix_team_audit_account_id_id", "account_id", "id"),)
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32), default=None)
    target_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    detail: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    created_at: Mapped[datetime]
