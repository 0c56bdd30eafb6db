"""The fraud review of a contest's entrants (issue 18, point 1; campaigns/fraud.py).

``contest_reviews`` holds staff's decision on one entrant of one contest: ``allow`` (the flags
were looked at and the entry stands) or ``disqualify`` (the entrant is left out at close, or
re-drawn if already drawn), with the reason staff gave. One row per entrant: a later decision
replaces the earlier one. Only the brand's staff ever read it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column

DECISIONS = ("allow", "disqualify")


class ContestReview(Base):
    __tablename__ = "contest_reviews"
    id: Mapped[int] = id_column()
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("contest_id", "account_id"),)
