"""A local account's aliases (``federation/aliases.py``): the other accounts it is also known
as, published as ``alsoKnownAs`` on its actor document (Mastodon's ``AccountAlias``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column


class AccountAlias(Base):
    """``account_id`` is also known as the actor ``uri`` (``acct`` as the person typed it,
    normalised to ``user@host``): an account may move here from it."""

    __tablename__ = "account_aliases"
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    uri: Mapped[str] = mapped_column(Text)
    acct: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("account_id", "uri"),)
