"""The desk's label catalogue, contacts' tags and notes, and the SLA marks (issue 16, points
2, 5 and 7; ``desk.labels``, ``desk.contacts``, ``desk.sla_watch``).

Tags and notes on a contact are the team's own: they live only here, keyed by brand and
person, and no Mastodon endpoint or public page reads these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column


class DeskLabel(Base):
    """A label in a brand's catalogue; conversations carry labels by ``name``."""

    __tablename__ = "desk_labels"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(7), default="#6b7280")
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("brand_account_id", "name"),)


class DeskContactTag(Base):
    """A tag the team put on a person (one row per brand, person and tag)."""

    __tablename__ = "desk_contact_tags"
    brand_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    contact_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_desk_contact_tags_brand_tag", "brand_account_id", "tag"),)


class DeskContactNote(Base):
    """An internal note about a person, written by a staff member (``user_id``)."""

    __tablename__ = "desk_contact_notes"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_desk_contact_notes_brand_contact", "brand_account_id", "contact_account_id"),
    )


class DeskSlaMark(Base):
    """A conversation reached an SLA warning or breach (``kind``) of one target (``target``:
    ``first_response`` or ``resolution``) due at ``due_at``: stored once, so the events go
    out once and reports count breaches (``desk.sla_watch``). ``assignee_user_id`` is who had
    the conversation then."""

    __tablename__ = "desk_sla_marks"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE")
    )
    target: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    assignee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("conversation_id", "target", "kind", "due_at"),
        Index("ix_desk_sla_marks_brand_kind_created", "brand_account_id", "kind", "created_at"),
    )
