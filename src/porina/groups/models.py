"""Groups and discussions: a Group actor with members, roles and moderated posting.

A group is backed by an account with ``actor_type`` Group and shares its id (``groups.id ==
groups.account_id``), so ``statuses.group_id`` names both and the Mastodon API shows the group
as that account (``"group": true``). Membership is the member's follow of the group account
(the social graph's ``follows``, which ``posts.visibility`` reads: a private group's posts are
for its followers); a join request to a private or hidden group is a follow request to it.
``group_memberships`` keeps what the graph cannot say: roles (owner, moderator), invitations
and bans (a ban is also a block by the group account, so no follow can come back).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column

PRIVACIES = ("public", "private", "hidden")
ROLES = ("owner", "moderator", "member")
MODERATORS = ("owner", "moderator")


class Group(Base):
    """A group is backed by an account with actor_type Group, so it federates and has a profile."""

    __tablename__ = "groups"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    owner_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    privacy: Mapped[str] = mapped_column(String(16), default="public")
    """public (anyone reads, anyone joins), private (members read; joining is a request or an
    invitation) or hidden (private, and unknown to everyone but its members and invitees)."""
    rules: Mapped[list[str]] = mapped_column(Json, default=list)
    allow_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class GroupMembership(Base):
    """``state``: active (a member with ``role``), invited (may join a private group at
    once) or banned."""

    __tablename__ = "group_memberships"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member")
    state: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_group_memberships_account_id", "account_id"),)


class GroupThread(Base):
    """A discussion: a top-level post in a group (its replies are the status's thread)."""

    __tablename__ = "group_threads"
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(Snowflake)
    pinned_at: Mapped[datetime | None] = mapped_column(default=None)
    locked_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_group_threads_group_id_status_id", "group_id", "status_id"),)


class GroupReport(Base):
    """A member's report of a post or a member to the group's moderators."""

    __tablename__ = "group_reports"
    id: Mapped[int] = id_column()
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_group_reports_group_id_id", "group_id", "id"),)
