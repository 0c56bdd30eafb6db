"""Groups and discussions: a Group actor with members, roles and moderated posting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column


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
    membership: Mapped[str] = mapped_column(String(16), default="open")
    allow_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class GroupMembership(Base):
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
