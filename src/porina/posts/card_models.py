"""Link preview cards: one row per URL, shared by every status that links it.

``preview_cards`` is the cache (a URL is fetched again only when its card is two weeks old,
as Mastodon); ``status_cards`` says which card a status shows. The status keeps a copy of the
card's entity in ``statuses.card`` so a page of statuses still loads in one query; writing it
bumps the status's row version, so every process's status cache renders it afresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column


class PreviewCard(Base):
    __tablename__ = "preview_cards"
    id: Mapped[int] = id_column()
    url: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(8), default="link")
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(Text, default="")
    author_url: Mapped[str] = mapped_column(Text, default="")
    provider_name: Mapped[str] = mapped_column(Text, default="")
    provider_url: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    embed_url: Mapped[str] = mapped_column(Text, default="")
    image_path: Mapped[str | None] = mapped_column(String(255), default=None)
    image_description: Mapped[str] = mapped_column(Text, default="")
    blurhash: Mapped[str | None] = mapped_column(String(64), default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    authors: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    fetched_at: Mapped[datetime]

    __table_args__ = (Index("ix_preview_cards_url", "url", unique=True),)


class StatusCard(Base):
    """The card a status shows (at most one, as Mastodon)."""

    __tablename__ = "status_cards"
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[int] = mapped_column(ForeignKey("preview_cards.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_status_cards_card_id", "card_id"),)
