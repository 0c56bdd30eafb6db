"""The instance actor's key pair (``federation/keys.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base


class InstanceActorKey(Base):
    """The RSA key pair of the instance actor (``/actor``), which signs the fetches this
    server makes (Mastodon's "representative" actor): made once on first need and kept, so
    every process and every restart signs with the key peers have cached. One row, ``id`` 1."""

    __tablename__ = "federation_instance_keys"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
