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
