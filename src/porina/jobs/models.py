"""Durable jobs: the outbox every background task passes through."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, id_column


class Job(Base):
    """A unit of background work. Inserted in the same transaction as the write that needs it,
    so an accepted write never loses its job; a worker claims it with ``locked_until`` and
    deletes it on success. Failures back off exponentially; after ``max_attempts`` the job
    stays with state ``failed`` for an operator to see and retry."""

    __tablename__ = "jobs"
    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    run_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    locked_by: Mapped[str | None] = mapped_column(String(64), default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), default=None, unique=True)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_jobs_state_run_at", "state", "run_at"),)


class RecurringRun(Base):
    """The last period each recurring job (``jobs/recurring.py``) was queued for. A scheduler
    queues a period only by moving ``period_start`` forward (a compare-and-set), so however
    many processes tick, each period is queued once; ``finished_at`` is the last success."""

    __tablename__ = "recurring_jobs"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    period_start: Mapped[datetime]
    queued_at: Mapped[datetime]
    finished_period: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
