"""The desk's listening watches (issue 16, point 8): a brand's keywords and hashtags.

A public post that matches an enabled watch enters the brand's inbox as an ``outreach`` item
(``desk.listening``). ``matches`` counts the items a watch made, kept on the row so the list
shows it without counting items.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column

WATCH_KINDS = ("keyword", "hashtag")


class DeskWatch(Base):
    """A ``keyword`` (whole words, case-insensitive; a trailing ``*`` matches any ending) or a
    ``hashtag`` (without ``#``, lower-cased) the brand listens for, optionally only in posts
    written in ``language``."""

    __tablename__ = "desk_watches"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    matches: Mapped[int] = mapped_column(default=0)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("brand_account_id", "kind", "term"),)
