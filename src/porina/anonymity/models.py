"""The link from a pseudonym to the person behind it, brands' settings, and the reveal log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Snowflake, id_column


class Pseudonym(Base):
    """``account_id`` is a pseudonym's account; ``author_account_id`` the person who posts as
    it, in the thread ``thread_id`` only. Never rendered: read by ``anonymity`` alone."""

    __tablename__ = "anonymous_pseudonyms"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("author_account_id", "thread_id"),)


class AnonymityPolicy(Base):
    """An account's choice for anonymous posts in its threads and questions to it: ``open``
    (the default when there is no row), ``moderated`` or ``off``. A group's account has a row
    once its owners or moderators chose (before that, ``groups.allow_anonymous`` says: off
    for a new group)."""

    __tablename__ = "anonymity_policies"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    mode: Mapped[str] = mapped_column(String(16), default="open")
    updated_at: Mapped[datetime]


class AnonymousReveal(Base):
    """An instance admin learnt who wrote an anonymous status: who, when and why. Kept when
    the status or the accounts are gone (no foreign keys): the log is the record."""

    __tablename__ = "anonymous_reveals"
    id: Mapped[int] = id_column()
    status_id: Mapped[int] = mapped_column(Snowflake)
    pseudonym_account_id: Mapped[int] = mapped_column(Snowflake)
    author_account_id: Mapped[int] = mapped_column(Snowflake)
    admin_account_id: Mapped[int] = mapped_column(Snowflake)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_anonymous_reveals_created_at", "created_at"),)


class AnonymousBlock(Base):
    """``account_id`` blocked ``via_account_id``, a pseudonym of ``author_account_id``: every
    other pseudonym of that author (and each new one) is blocked for them too, quietly (left
    out of their list of blocks), so the block holds across threads and reveals neither who it
    is nor which pseudonyms are theirs."""

    __tablename__ = "anonymous_blocks"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    author_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    via_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class AnonymousPending(Base):
    """An anonymous post waiting in a queue: ``queue_account_id`` (a brand, or a group, whose
    setting is ``moderated``) approves or rejects it. Seen by its author and the brand's staff
    or the group's owners and moderators (who never see the author); nothing is published
    until it is approved."""

    __tablename__ = "anonymous_pending"
    id: Mapped[int] = id_column()
    author_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    queue_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    in_reply_to_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    brand_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    group_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    """A new discussion for this group (``AnonymousPost.group_id``)."""
    text: Mapped[str] = mapped_column(Text)
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_anonymous_pending_author_account_id", "author_account_id"),)
