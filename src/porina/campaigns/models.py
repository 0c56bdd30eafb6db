"""Contests and giveaways on a brand's post (issue 18, points 1 and 2; docs/draws.md).

``contests`` holds the rules, the draw's ``secret`` (kept secret until drawn; its
``commitment`` is public from creation) and, once closed, the frozen entries file and its hash;
``contest_entries`` one row per entrant per entry action, so undoing an action removes exactly
its tickets; ``contest_draws`` the winners in order with the counter that drew each, re-draws
with their reason and time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column

STATES = ("draft", "open", "closed", "drawn")
ACTIONS = ("favourite", "reblog", "reply", "quote", "follow", "newsletter")


class Contest(Base):
    """``weights`` maps each entry action (``ACTIONS``) to its tickets; ``state`` is one of
    ``STATES``. ``pseudonym_key`` names privately taking part entrants (never published)."""

    __tablename__ = "contests"
    id: Mapped[int] = id_column()
    brand_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    prizes: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    winners: Mapped[int]
    weights: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    reply_must_contain: Mapped[str | None] = mapped_column(String(200), default=None)
    min_account_age_days: Mapped[int] = mapped_column(default=0)
    min_followers: Mapped[int] = mapped_column(default=0)
    claim_days: Mapped[int] = mapped_column(default=7)
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))
    pseudonym_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    commitment: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default="open")
    entries: Mapped[str | None] = mapped_column(Text, default=None)
    entries_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    drawn_at: Mapped[datetime | None] = mapped_column(default=None)
    results_text: Mapped[str | None] = mapped_column(Text, default=None)
    results_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    results_published_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_contests_brand_account_id", "brand_account_id"),
        Index("ix_contests_status_id", "status_id"),
        Index("ix_contests_state_ends_at", "state", "ends_at"),
    )


class ContestEntry(Base):
    """An entrant's one entry action (``ACTIONS``); ``private`` when others cannot see it (a
    followers-only reply, a follow of a locked brand), which lists the entrant by pseudonym."""

    __tablename__ = "contest_entries"
    id: Mapped[int] = id_column()
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(12))
    private: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("contest_id", "account_id", "action"),)


class ContestDraw(Base):
    """One drawn entrant: ``position`` orders the draws, ``counter`` is the draw value that
    picked ``acct`` (as listed in the entries file). A re-draw names the winner it
    ``replaces`` and its public ``reason``. ``account_id`` is the account behind ``acct``
    (never published: a pseudonym's account stays private); the winner has until ``claim_by``
    to claim (``claimed_at``), and ``notified_at`` records the DM and e-mail."""

    __tablename__ = "contest_draws"
    id: Mapped[int] = id_column()
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    position: Mapped[int]
    acct: Mapped[str] = mapped_column(String(400))
    counter: Mapped[int]
    replaces: Mapped[str | None] = mapped_column(String(400), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    claim_by: Mapped[datetime | None] = mapped_column(default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_contest_draws_account_id", "account_id"),
        UniqueConstraint("contest_id", "position"),
        UniqueConstraint("contest_id", "counter"),
    )
