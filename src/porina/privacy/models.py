"""Archives of a person's data (``data_archives``): one row per request, its state, and the
file the job wrote under ``<data dir>/archives`` (never under ``/media``: only its owner may
download it, from ``/settings/privacy``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column


class DataArchive(Base):
    __tablename__ = "data_archives"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="requested")
    """``requested`` (queued), ``building``, ``ready``, ``failed``."""
    file_name: Mapped[str | None] = mapped_column(String(128), default=None)
    """The ZIP's name under the archives folder, once built (random, never derived from ids
    alone)."""
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_data_archives_account_id_created_at", "account_id", "created_at"),)
