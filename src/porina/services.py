"""The running system's parts, built once from settings (warehouse-style service factories).

Each part has an embedded variant (the default, no other service needed) and a scale variant
chosen by a setting. This is the composition root: it imports every subscriber and job
handler module, so they are registered at start-up. Front ends reach the parts through the
Protocols they declare (``render.runtime.Runtime``); actions reach what they may use as
``tx.settings``, ``tx.broker`` and ``tx.invalidations``; job handlers get a ``JobContext``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from porina.accounts import audit as account_audit
from porina.accounts.throttle import LoginThrottle, build_throttle
from porina.analytics import impressions as analytics_impressions
from porina.analytics import rollup as analytics_rollup
from porina.analytics import subscribers as analytics_subscribers
from porina.analytics import weekly as analytics_weekly
from porina.analytics.impressions import Flusher as ImpressionFlusher
from porina.anonymity import blocking as anonymity_blocking
from porina.anonymity import subscribers as anonymity_subscribers
from porina.api.mastodon.auth import TokenCache
from porina.calendar import publishing as calendar_publishing
from porina.calls import jobs as calls_jobs
from porina.campaigns import challenge_subscribers, contest_contacts
from porina.campaigns import entries as contest_entries
from porina.campaigns import jobs as contest_jobs
from porina.campaigns import winners as contest_winners
from porina.core import cpu
from porina.desk import audit_trail as desk_audit_trail
from porina.desk import contacts as desk_contacts
from porina.desk import listening as desk_listening
from porina.desk import live as desk_live
from porina.desk import mentioned as desk_mentioned
from porina.desk import metrics as desk_metrics
from porina.desk import rules_engine as desk_rules
from porina.desk import sla_watch as desk_sla_watch
from porina.desk import subscribers as desk_subscribers
from porina.desk.presence import PresenceStore
from porina.desk.presence import build_store as build_presence
from porina.federation import delivery as federation_delivery
from porina.federation import dispatch as federation_dispatch
from porina.federation import featured as federation_featured
from porina.federation import flags as federation_flags
from porina.federation import group_posts as federation_group_posts
from porina.federation import group_replies as federation_group_replies
from porina.federation import groups as federation_groups
from porina.federation import inbox as federation_inbox
from porina.federation import moves as federation_moves
from porina.federation import outbound as federation_outbound
from porina.federation import poll_updates as federation_poll_updates
from porina.federation import questions as federation_questions
from porina.federation import quote_requests as federation_quote_requests
from porina.groups import subscribers as groups_subscribers
from porina.http.client import OutboundClient, build_outbound
from porina.jobs.engine_saq import SaqEngine
from porina.jobs.events import subscribe
from porina.jobs.queue import Runner
from porina.lists import subscribers as lists_subscribers
from porina.mail import jobs as mail_jobs
from porina.messaging import subscribers as messaging_subscribers
from porina.moderation import purge as moderation_purge
from porina.newsletter import bounces_campaigns as newsletter_bounce_counts
from porina.newsletter import campaigns_counts as newsletter_campaign_counts
from porina.newsletter import campaigns_delivery as newsletter_campaign_delivery
from porina.newsletter import mails as newsletter_mails
from porina.newsletter import people as newsletter_people
from porina.newsletter.events import NewsletterConfirmed, NewsletterUnsubscribed
from porina.notifications import subscribers as notification_subscribers
from porina.notifications.push import subscribers as web_push_subscribers
from porina.posts import cards as posts_cards
from porina.posts import jobs as posts_jobs
from porina.privacy import archive as privacy_archive
from porina.privacy import subscribers as privacy_subscribers
from porina.render.renderer import Renderer
from porina.render.status_cache import StatusCache
from porina.settings import Settings
from porina.storage.broker import Broker, MemoryBroker, RedisBroker
from porina.storage.db import Database, Tx
from porina.storage.invalidation import Invalidations
from porina.streaming import counts as streaming_counts
from porina.timelines import jobs as timelines_jobs
from porina.timelines import recurring as timelines_recurring
from porina.timelines import subscribers as timelines_subscribers
from porina.timelines.feeds import FeedStore
from porina.timelines.feeds_db import DatabaseFeedStore
from porina.timelines.feeds_redis import RedisFeedStore

log = logging.getLogger(__name__)

SUBSCRIBERS = (
    groups_subscribers,
    notification_subscribers,
    messaging_subscribers,
    analytics_subscribers,
    timelines_subscribers,
    lists_subscribers,
    posts_cards,
    web_push_subscribers,
    privacy_archive,
    privacy_subscribers,
    streaming_counts,
    desk_subscribers,
    desk_listening,
    desk_live,
    desk_mentioned,
    account_audit,
    desk_audit_trail,
    desk_metrics,
    desk_rules,
    challenge_subscribers,
    contest_entries,
    contest_winners,
    newsletter_mails,
    newsletter_campaign_counts,
    newsletter_bounce_counts,
    federation_delivery,
    federation_outbound,
    federation_questions,
    federation_poll_updates,
    federation_quote_requests,
    federation_groups,
    federation_group_posts,
    federation_group_replies,
    anonymity_subscribers,
    anonymity_blocking,
    federation_flags,
)
"""The modules that subscribe to domain events, registered when imported here, at start-up.
In-transaction subscribers run in import order; none depends on another's work.
docs/events.md lists what each subscribes to; a test keeps it true."""
JOB_HANDLERS = (
    mail_jobs,
    posts_jobs,
    timelines_jobs,
    timelines_recurring,
    moderation_purge,
    analytics_rollup,
    analytics_weekly,
    desk_sla_watch,
    contest_jobs,
    calendar_publishing,
    federation_dispatch,
    federation_featured,
    federation_inbox,
    federation_moves,
    newsletter_campaign_delivery,
    calls_jobs,
)
"""Modules whose job handlers are not event subscribers (recurring jobs among them)."""
desk_contacts.register_section("contests", contest_contacts.section)
desk_contacts.register_section("newsletter", newsletter_people.section)


@subscribe(NewsletterConfirmed)
async def newsletter_contest_entry(tx: Tx, event: NewsletterConfirmed) -> None:
    """Contests' ``newsletter`` entry (issue 18; docs/newsletter.md, "Contests"): a confirmed
    subscription to a brand's list, whose address is a local account's confirmed e-mail,
    enters that account in the brand's running contests that weigh ``newsletter``. The
    campaigns and the newsletter share a rank, so the composition root joins them."""
    found = await newsletter_people.entrant(tx.session, event.subscriber_id)
    if found is not None:
        brand_id, account_id = found
        await contest_entries.enter(tx, account_id, "newsletter", True, brand_id=brand_id)


@subscribe(NewsletterUnsubscribed)
async def newsletter_contest_leave(tx: Tx, event: NewsletterUnsubscribed) -> None:
    """Unsubscribing before a contest ends takes the ``newsletter`` entry back, as undoing a
    favourite or a follow does."""
    found = await newsletter_people.entrant(tx.session, event.subscriber_id)
    if found is not None:
        brand_id, account_id = found
        await contest_entries.leave(tx, account_id, "newsletter", brand_id=brand_id)


@dataclass
class Services:
    settings: Settings
    db: Database
    broker: Broker
    runner: Runner = field(init=False)
    feeds: FeedStore = field(init=False)
    engine: SaqEngine | None = field(init=False, default=None)
    invalidations: Invalidations = field(init=False)
    token_cache: TokenCache = field(init=False)
    """Who holds each recently seen access token (the API's), forgotten on invalidation."""
    status_cache: StatusCache = field(init=False)
    """This process's renderings of statuses and accounts, keyed by row versions."""
    login_throttle: LoginThrottle = field(init=False)
    """Failed password attempts per address and account (in Redis when the broker is)."""
    outbound: OutboundClient = field(init=False)
    """The process's one client for requests to other servers (link previews...)."""
    impressions: ImpressionFlusher = field(init=False)
    """Writes this process's buffered impressions every few seconds and at stop."""
    desk_presence: PresenceStore = field(init=False)
    """Which staff are on which desk conversation (in Redis when the broker is)."""

    def __post_init__(self) -> None:
        cpu.configure(self.settings.cpu_workers)
        self.runner = Runner(self)
        self.invalidations = Invalidations(self.broker)
        self.token_cache = TokenCache()
        self.invalidations.listen(self.token_cache.on_invalidation)
        self.invalidations.listen(desk_listening.on_invalidation)
        self.status_cache = StatusCache(
            Renderer(self.settings), self.settings.status_cache_size, reader=self.db.fast
        )
        self.feeds = build_feed_store(self.settings, self.db)
        self.login_throttle = build_throttle(self.settings)
        self.desk_presence = build_presence(self.settings)
        self.outbound = build_outbound(self.settings)
        self.db.attach(self)
        self.impressions = ImpressionFlusher(self.db, self.settings.analytics_flush_seconds)
        analytics_impressions.BUFFER.enabled = self.settings.analytics_impressions
        self.db.wake_jobs = self.runner.wake
        if self.settings.jobs == "saq":
            self.engine = SaqEngine(self, self.runner.name)
            self.db.wake_jobs = self.engine.wake

    async def start(self, *, run_jobs: bool | None = None) -> None:
        self.settings.media_dir.mkdir(parents=True, exist_ok=True)
        self.invalidations.start()
        self.impressions.start()
        if not (self.settings.run_jobs_in_process if run_jobs is None else run_jobs):
            return
        if self.engine is not None:
            await self.engine.start(self.runner.concurrency)
        else:
            self.runner.start()

    async def stop(self) -> None:
        await self.invalidations.stop()
        await self.impressions.stop()
        await self.runner.stop()
        if self.engine is not None:
            await self.engine.stop()
        await self.broker.close()
        await self.feeds.close()
        await self.login_throttle.counters.close()
        await self.desk_presence.close()
        await self.outbound.aclose()
        await self.db.dispose()


def build_feed_store(settings: Settings, db: Database) -> FeedStore:
    """Home feeds from ``settings.feed_store``: the database, or Redis sorted sets."""
    if settings.feed_store == "redis":
        return RedisFeedStore.from_url(
            settings.redis_url, settings.home_feed_size, settings.redis_prefix
        )
    return DatabaseFeedStore(db, settings.home_feed_size)


def build(settings: Settings, *, pooled: bool = True) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url, pooled=pooled)
    broker: Broker = (
        RedisBroker(settings.redis_url, settings.redis_prefix)
        if settings.broker == "redis"
        else MemoryBroker()
    )
    return Services(settings=settings, db=db, broker=broker)
