"""What this server knows and has decided about other servers (``federation/domains.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, id_column


class Instance(Base):
    """Delivery health of one remote domain (``host`` or ``host:port``, as accounts'
    ``domain``). ``failing_since`` is the first failure after the last success; once it is
    older than ``domains.UNAVAILABLE_AFTER`` the domain is ``unavailable``: deliveries to it are
    dropped (not queued) until it answers again (an inbound activity or the daily probe)."""

    __tablename__ = "federation_instances"
    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    unavailable: Mapped[bool] = mapped_column(Boolean, default=False)


class InstanceBlock(Base):
    """An admin's domain block (Mastodon's ``Admin::DomainBlock``): ``suspend`` (nothing in
    or out, its accounts hidden), ``silence`` (its posts kept off public timelines) or
    ``noop``; ``reject_media``/``reject_reports`` as Mastodon has them."""

    __tablename__ = "federation_domain_blocks"
    id: Mapped[int] = id_column()
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    severity: Mapped[str] = mapped_column(String(10), default="silence")
    reject_media: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    obfuscate: Mapped[bool] = mapped_column(Boolean, default=False)
    private_comment: Mapped[str | None] = mapped_column(Text, default=None)
    public_comment: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
