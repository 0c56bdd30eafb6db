"""Surveys (issue 18, point 5; docs/api.md, "Surveys").

``surveys`` holds the questions (JSON: ``kind``, ``text``, ``options``) and ``secret``, the
per-survey key of the keyed hash that enforces one response per person.

Anonymity is in the shape of the tables: ``survey_participants`` keeps only
``HMAC-SHA256(secret, account id)`` per person who answered (no account id, no time, no row id),
and ``survey_responses`` keeps the answers under a random id with no time, no sequence and no
reference to the participant row. ``account_id`` is set only for a named survey's responses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column

KINDS = ("single", "multiple", "scale", "recommend", "text")


class Survey(Base):
    __tablename__ = "surveys"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    anonymous: Mapped[bool]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    responses_count: Mapped[int] = mapped_column(default=0)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_surveys_brand_account_id", "brand_account_id"),
        Index("ix_surveys_status_id", "status_id"),
    )


class SurveyParticipant(Base):
    """Who answered, as a keyed hash only: the primary key is the pair, there is no row id."""

    __tablename__ = "survey_participants"
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class SurveyResponse(Base):
    """One response; ``id`` is random (``secrets``), never time-ordered."""

    __tablename__ = "survey_responses"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), default=None
    )
    answers: Mapped[list[Any]] = mapped_column(Json)

    __table_args__ = (Index("ix_survey_responses_survey_id", "survey_id"),)
