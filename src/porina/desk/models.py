"""The business desk's tables: one conversation per (brand, person), its items, and who the
internal notes mention.

A brand is an account with a team (``account_operators``). Everything that reaches it from
one person — mentions, replies, quotes, direct messages, and as light items favourites,
boosts and follows — is an item of that person's single conversation with the brand, which
a new message reopens (``docs/desk.md``). Notes are items of kind ``note`` with ``text``;
they live only here, never as statuses, so no Mastodon endpoint can return them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column

STATUSES = ("open", "pending", "snoozed", "resolved")
PRIORITIES = ("low", "medium", "high", "urgent")
KINDS = (
    "mention",
    "reply",
    "direct",
    "quote",
    "favourite",
    "reblog",
    "follow",
    "outreach",
    "note",
    "sent",
)


class DeskConversation(Base):
    """A person's whole exchange with a brand. ``opened_at`` is None for a conversation only
    light items (a like, a boost, a follow) made: it was never anything to answer."""

    __tablename__ = "desk_conversations"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    priority: Mapped[str | None] = mapped_column(String(16), default=None)
    labels: Mapped[list[str]] = mapped_column(Json, default=list)
    snooze_until: Mapped[datetime | None] = mapped_column(default=None)
    last_activity_at: Mapped[datetime]
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    sentiment: Mapped[str | None] = mapped_column(String(16), default=None)
    """The mean of its last five non-neutral messages (``desk.moods``)."""

    __table_args__ = (
        UniqueConstraint("brand_account_id", "contact_account_id"),
        Index(
            "ix_desk_conversations_brand_status_activity",
            "brand_account_id",
            "status",
            "last_activity_at",
            "id",
        ),
        Index(
            "ix_desk_conversations_brand_assignee_activity",
            "brand_account_id",
            "assignee_user_id",
            "last_activity_at",
            "id",
        ),
        Index("ix_desk_conversations_brand_activity", "brand_account_id", "last_activity_at", "id"),
    )


class DeskItem(Base):
    """One thing in a conversation. ``account_id`` is who did it: the person for what came
    in, the staff member's own account for a note or a reply they sent as the brand.
    ``dedupe`` makes ingestion idempotent: a replayed event finds its item there."""

    __tablename__ = "desk_items"
    id: Mapped[int] = id_column()
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    status_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    operator_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    sentiment: Mapped[str | None] = mapped_column(String(16), default=None)
    dedupe: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("conversation_id", "dedupe"),
        Index("ix_desk_items_conversation_id_id", "conversation_id", "id"),
    )


class DeskMention(Base):
    """A colleague mentioned in a note (``@username``): the conversation is in their
    *Mentioned* view."""

    __tablename__ = "desk_mentions"
    item_id: Mapped[int] = mapped_column(
        ForeignKey("desk_items.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE")
    )

    __table_args__ = (
        Index("ix_desk_mentions_user_id_conversation_id", "user_id", "conversation_id"),
    )


class DeskMentioned(Base):
    """A conversation in a colleague's *Mentioned* view (one row however many notes mention
    them), with copies of the conversation's brand, status, snooze and last activity, so the
    view is a range scan of the colleague's own rows (``desk/mentioned.py`` keeps them)."""

    __tablename__ = "desk_mentioned"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE"), primary_key=True
    )
    brand_account_id: Mapped[int] = mapped_column(Snowflake)
    status: Mapped[str] = mapped_column(String(16))
    snooze_until: Mapped[datetime | None] = mapped_column(default=None)
    last_activity_at: Mapped[datetime]

    __table_args__ = (
        Index(
            "ix_desk_mentioned_user_brand_activity",
            "user_id",
            "brand_account_id",
            "last_activity_at",
            "conversation_id",
        ),
        Index("ix_desk_mentioned_conversation_id", "conversation_id"),
    )


class DeskSentimentOverride(Base):
    """A staff member corrected an item's sentiment: what the classifier said and what the
    person said, kept to measure the classifier on real messages (``desk.moods.accuracy``)."""

    __tablename__ = "desk_sentiment_overrides"
    item_id: Mapped[int] = mapped_column(
        ForeignKey("desk_items.id", ondelete="CASCADE"), primary_key=True
    )
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    predicted: Mapped[str | None] = mapped_column(String(16), default=None)
    corrected: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_desk_sentiment_overrides_brand", "brand_account_id"),)


class DeskSavedReply(Base):
    """A reply the team reuses (Chatwoot's canned responses): a ``shortcut`` to find it, in a
    ``language``, with variables such as ``{{first_name}}`` (``desk.saved_replies``)."""

    __tablename__ = "desk_saved_replies"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    shortcut: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("brand_account_id", "shortcut", "language"),)
