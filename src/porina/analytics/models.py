"""Analytics events (the raw, append-only table)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from porina.storage.base import Base, Json, Snowflake, id_column


class AnalyticsEvent(Base):
    """A typed record of every interaction, written in the same transaction as the interaction.

    ``name`` is ``domain:object:verb`` (``interaction:favourite:create``); ``operator_user_id``
    says which staff member acted when the actor is a team-operated account.
    """

    __tablename__ = "analytics_events"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(64))
    actor_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    operator_user_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    target_type: Mapped[str | None] = mapped_column(String(16), default=None)
    target_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    target_account_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime]
    about_status_id: Mapped[int | None] = mapped_column(Snowflake, default=None)
    """The status an engagement is about (the favourited or boosted status, a reply's
    parent, a quote's quoted status): one post's events are an index range."""

    __table_args__ = (
        Index("ix_analytics_events_target_account_id_id", "target_account_id", "id"),
        Index("ix_analytics_events_name_id", "name", "id"),
        Index("ix_analytics_events_actor_account_id_id", "actor_account_id", "id"),
        Index("ix_analytics_events_about_status_id_id", "about_status_id", "id"),
    )


class AnalyticsImpressions(Base):
    """Impressions of a local status per hour (UTC), added up by the impression buffer's
    flush (``analytics/impressions.py``); ``account_id`` is the status's author."""

    __tablename__ = "analytics_impressions"
    status_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(Snowflake)
    impressions: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_analytics_impressions_account_id_hour", "account_id", "hour"),)


class AnalyticsViewer(Base):
    """A signed-in account served a local status on a day (UTC): the rows reach counts
    (distinct viewers). Kept for ``analytics_raw_days``, then pruned by the rollup job."""

    __tablename__ = "analytics_viewers"
    status_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    viewer_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake)

    __table_args__ = (Index("ix_analytics_viewers_account_id_day", "account_id", "day"),)


class AnalyticsReaders(Base):
    """Which days (UTC) a signed-in account was served an account's statuses: one row per
    (author, reader, block of 32 days), a bit per day of the block (``analytics/readers.py``).
    Reach over a period -- distinct readers -- reads one row per reader and block instead of
    one per reader, status and day. Pruned with the viewers."""

    __tablename__ = "analytics_readers"
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    block: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    viewer_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    days: Mapped[int] = mapped_column(BigInteger)


class AnalyticsStatusDaily(Base):
    """One local status's figures of one day (UTC), written by the daily rollup job."""

    __tablename__ = "analytics_status_daily"
    status_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(Snowflake)
    impressions: Mapped[int] = mapped_column(default=0)
    reach: Mapped[int] = mapped_column(default=0)
    favourites: Mapped[int] = mapped_column(default=0)
    reblogs: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    quotes: Mapped[int] = mapped_column(default=0)
    bookmarks: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_analytics_status_daily_account_id_day", "account_id", "day"),)


class AnalyticsStatusHourly(Base):
    """A status's counts per hour (UTC) for its first 48 hours, written by the daily rollup
    with ``analytics_status_daily``: a post's first hours stay readable once the raw events
    are deleted (``per_status.over_time``)."""

    __tablename__ = "analytics_status_hourly"
    status_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(Snowflake)
    impressions: Mapped[int] = mapped_column(default=0)
    favourites: Mapped[int] = mapped_column(default=0)
    reblogs: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    quotes: Mapped[int] = mapped_column(default=0)
    bookmarks: Mapped[int] = mapped_column(default=0)


class AnalyticsAccountDaily(Base):
    """One account's figures of one day (UTC), written by the daily rollup job."""

    __tablename__ = "analytics_account_daily"
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    posts: Mapped[int] = mapped_column(default=0)
    impressions: Mapped[int] = mapped_column(default=0)
    reach: Mapped[int] = mapped_column(default=0)
    favourites: Mapped[int] = mapped_column(default=0)
    reblogs: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    quotes: Mapped[int] = mapped_column(default=0)
    bookmarks: Mapped[int] = mapped_column(default=0)
    followers_gained: Mapped[int] = mapped_column(default=0)
    followers_lost: Mapped[int] = mapped_column(default=0)


class AnalyticsRolledDay(Base):
    """A day (UTC) the rollup job has written: later reads take it from the daily tables."""

    __tablename__ = "analytics_rolled_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime]


class AnalyticsProfileVisits(Base):
    """Visits of an account's profile per hour (UTC), added up by the impression buffer's
    flush (``analytics/impressions.py``); the definition is the metric dictionary's
    ``profile_visits``. No visitor is stored."""

    __tablename__ = "analytics_profile_visits"
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)


class AnalyticsWeeklyReport(Base):
    """The weekly report of ``account_id`` for the week starting ``week`` (a Monday) was
    queued for ``user_id``: a week's report goes once (``analytics/weekly.py``)."""

    __tablename__ = "analytics_weekly_reports"
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime]
