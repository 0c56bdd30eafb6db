"""Hashtag challenges (issue 18, point 4; docs/api.md, "Challenges").

``challenges`` holds a brand's challenge: its hashtag (lower case, without ``#``), window and
scoring (``votes`` or ``jury``). ``challenge_submissions`` is one row per public post with the
hashtag made inside the window, with its ``score`` kept up to date by subscribers (votes: the
favourites from others; jury: the sum of the judges' scores), so the leaderboard is one indexed
read. ``challenge_scores`` holds each judge's score of a submission (jury challenges).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column

SCORING = ("votes", "jury")


class Challenge(Base):
    __tablename__ = "challenges"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    hashtag: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    scoring: Mapped[str] = mapped_column(String(8))
    announced_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_challenges_hashtag_ends_at", "hashtag", "ends_at"),
        Index("ix_challenges_brand_account_id", "brand_account_id"),
    )


class ChallengeSubmission(Base):
    __tablename__ = "challenge_submissions"
    id: Mapped[int] = id_column()
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("challenge_id", "status_id"),
        Index("ix_challenge_submissions_status_id", "status_id"),
        Index("ix_challenge_submissions_challenge_id_score", "challenge_id", "score"),
    )


class ChallengeScore(Base):
    __tablename__ = "challenge_scores"
    id: Mapped[int] = id_column()
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    judge_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int]
    scored_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("challenge_id", "status_id", "judge_user_id"),)
