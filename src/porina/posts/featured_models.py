"""Featured hashtags: the tags a person shows on their profile (``/api/v1/featured_tags``),
with how many of their public posts carry each and when the last one was posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Snowflake, id_column


class FeaturedTag(Base):
    __tablename__ = "featured_tags"
    __table_args__ = (UniqueConstraint("account_id", "tag_id"),)
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("accounts.id", ondelete="CASCADE")
    )
    tag_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("tags.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
