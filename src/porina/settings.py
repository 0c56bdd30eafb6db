"""Typed settings, read from ``PORINA_*`` environment variables.

Every setting has a default that runs Porina embedded (one process, SQLite under ``data/``).
A bad value stops start-up with a message naming the variable; nothing is guessed.
``docs/configuration.md`` lists them all, and a test keeps that page true to this file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from ipaddress import ip_address
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FeedStore = Literal["database", "redis"]
JobsBackend = Literal["embedded", "saq"]
Broker = Literal["memory", "redis"]
MailBackend = Literal["smtp", "outbox"]
Registrations = Literal["open", "approval", "closed"]


class SettingsError(ValueError):
    """A setting has a value Porina cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What an operator can set. Field docs are the reference for docs/configuration.md."""

    data_dir: Path = Path("data")
    """Folder for the SQLite database, media files and the generated secret key."""
    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite at DATA_DIR/porina.db. PostgreSQL: postgresql+asyncpg://..."""
    redis_url: str = ""
    """Redis URL; needed when FEED_STORE, BROKER or JOBS use Redis."""
    redis_prefix: str = "porina:"
    """Prefix of every Redis key, channel and job queue Porina uses; installs sharing one Redis
    need different prefixes."""
    base_url: str = ""
    """The public address people and apps use; links and OAuth endpoints are built from it.
    Empty means http://HOST:PORT (127.0.0.1 when HOST listens on every address)."""
    domain: str = ""
    """The domain in people's handles (@name@domain); empty means the host of BASE_URL."""
    instance_title: str = "Porina"
    """Name shown by the instance API and pages."""
    contact_email: str = "admin@localhost"
    """Contact address the instance API reports."""
    privacy_policy_file: str = ""
    """An HTML file holding the privacy policy (the API's /api/v1/instance/privacy_policy);
    empty means Porina's default policy."""
    terms_of_service_file: str = ""
    """An HTML file holding the terms of service, in effect from the file's modification date;
    empty means none (the API answers 404, as Mastodon with no terms published)."""
    host: str = "127.0.0.1"
    """Address `porina serve` listens on."""
    port: int = 8000
    """Port `porina serve` listens on."""
    workers: int = 1
    """HTTP worker processes for `porina serve`."""
    feed_store: FeedStore = "database"
    """Where home feeds live: database (embedded default) or redis (scale)."""
    jobs: JobsBackend = "embedded"
    """Background jobs: embedded (in-process, durable in the database) or saq (Redis workers)."""
    run_jobs_in_process: bool = True
    """Whether `porina serve` also runs jobs; turn off when `porina worker` processes run them."""
    broker: Broker = "memory"
    """Streaming pub/sub: memory (one process) or redis (many serve processes)."""
    mail: MailBackend = "outbox"
    """Outgoing mail: smtp (sent to SMTP_HOST), or outbox (kept in the database and shown at
    /admin/mail, never sent; for `make run` and trials)."""
    smtp_host: str = "127.0.0.1"
    """SMTP server host."""
    smtp_port: int = 25
    """SMTP server port."""
    mail_from: str = "porina@localhost"
    """Sender address of mail Porina sends."""
    dkim_key_file: str = ""
    """PEM private key (RSA 2048 or Ed25519) to DKIM-sign outgoing mail; empty: no signature.
    `porina admin dkim-record` prints the DNS record to publish."""
    dkim_selector: str = "porina"
    """DKIM selector: the record lives at SELECTOR._domainkey.DKIM_DOMAIN."""
    dkim_domain: str = ""
    """Domain that signs (d=); empty means the domain of MAIL_FROM."""
    bounce_domain: str = ""
    """Domain of the VERP return paths (bounces+c<campaign>.s<subscriber>.<mac>@DOMAIN) that
    campaign mail is sent from; empty means the domain of MAIL_FROM. Its MX (or a forward of
    bounces+*) must reach the bounce receiver."""
    bounce_smtp_port: int = 0
    """Port of the built-in bounce receiver (SMTP) that `porina serve` also starts; 0: not
    started (`porina bounces serve` runs it on its own)."""
    bounce_smtp_host: str = "127.0.0.1"
    """Address the built-in bounce receiver listens on."""
    bounce_webhook_secret: str = ""
    """Shared secret of the bounce webhook for mail providers (sent as the
    X-Porina-Webhook-Secret header or the ?secret= query); empty: the webhook is off (401)."""
    newsletter_send_rate: float = 100.0
    """Campaign messages one sending process hands to the SMTP server a second at most
    (docs/newsletter.md, "Sending"); 0: no limit."""
    newsletter_smtp_connections: int = 4
    """SMTP connections a campaign's sender keeps open and sends over at once."""
    newsletter_concurrency: int = 1
    """Batches of one campaign its sender sends at once, each over its own
    NEWSLETTER_SMTP_CONNECTIONS connections (docs/newsletter.md, "Sending")."""
    bounce_pause_percent: int = 5
    """A campaign pauses itself when more than this percentage of its sent mail has bounced
    (hard or soft) or drawn complaints, once BOUNCE_PAUSE_AFTER mails are sent. 0: never."""
    bounce_pause_after: int = 100
    """Mails a campaign must have sent before its bounce rate can pause it."""
    call_stun_urls: str = ""
    """STUN servers for video calls, comma-separated (stun:stun.example.org:3478); empty: none
    (calls then work between browsers on one network). docs/calls.md."""
    call_turn_urls: str = ""
    """TURN servers for video calls, comma-separated (turn:turn.example.org:3478?transport=udp,
    turns:turn.example.org:5349); empty: no TURN."""
    call_turn_username: str = ""
    """A fixed TURN user name (with CALL_TURN_CREDENTIAL); ignored when CALL_TURN_SECRET is set."""
    call_turn_credential: str = ""
    """The fixed TURN user's password."""
    call_turn_secret: str = ""
    """coturn's static-auth-secret (TURN REST API): each call gets a user name and password
    valid for CALL_TURN_TTL seconds, made from this secret; the secret never leaves Porina."""
    call_turn_ttl: int = 86400
    """Seconds the time-limited TURN credentials of a call stay valid."""
    call_ring_seconds: int = 45
    """Seconds a call rings before it is missed (the callee is notified)."""
    registrations: Registrations = "open"
    """Sign-up mode: open, approval or closed."""
    secret_key: str = ""
    """Key for session cookies and CSRF; empty means generate once into DATA_DIR/secret_key."""
    rate_limits: bool = True
    """Whether API rate limits (Mastodon's defaults) apply."""
    rate_limit_per_5min: int = 300
    """Requests per account (or per address, unauthenticated) in five minutes."""
    media_limit_per_30min: int = 30
    """Media uploads per account in thirty minutes."""
    login_attempts_per_address: int = 25
    """Failed password attempts from one address (IPv6: its /64) in five minutes, whatever the
    account (sign-in page, consent page, password grant, password change); then 429."""
    login_attempts_per_account: int = 10
    """Failed password attempts on one account from one address in an hour. When an account
    draws five times this from all addresses, addresses that have not signed in to it in 30
    days get 3 an hour on it (docs/decisions.md, "Login throttle")."""
    max_image_bytes: int = 16 * 1024 * 1024
    """Largest image upload in bytes."""
    max_video_bytes: int = 99 * 1024 * 1024
    """Largest video or audio upload in bytes."""
    max_status_chars: int = 500
    """Longest status text in characters."""
    home_feed_size: int = 800
    """Entries kept per home feed."""
    feed_active_days: int = 7
    """New posts go only into the home feeds of followers seen in this many days (as Mastodon
    does); an idle follower's feed is rebuilt when they come back. 0: every follower."""
    default_time_zone: str = "UTC"
    """The time zone (an IANA name such as Europe/Helsinki) of a person who has not chosen one:
    their weekly analytics report comes on Monday at 07:00 there, and their own dashboard's
    days and best times to post are in it."""
    analytics_raw_days: int = 400
    """Days raw analytics rows (interaction events, impressions per hour, the viewers reach
    counts) are kept; older days are read from the daily rollups. 0: kept for ever."""
    analytics_impressions: bool = True
    """Count impressions, reach and profile visits (docs/metrics.md). Off: nothing is noted
    while serving (the figures that need them read 0); ``porina bench`` compares the home
    timeline with it on and off."""
    analytics_flush_seconds: int = 5
    """Seconds between writes of the impressions a serving process has counted in memory (a
    crash loses at most this many seconds of impressions). 0: no timer; they are written when
    the process stops (the test suite's setting: no background writer racing the tests)."""
    status_cache_size: int = 40000
    """Rendered statuses (and as many accounts) each serving process keeps in memory at most;
    ``status_cache_bytes`` bounds them too."""
    status_cache_bytes: int = 160 * 1024 * 1024
    """Bytes of rendered statuses each serving process keeps in memory (estimated per status:
    ``render/status_cache.py``, ``weight``); the oldest are forgotten beyond it. The default
    holds the newest 20 statuses of each of 1,000 busy accounts and what they boost (~14,000
    statuses, ~88 MB measured: ~6.3 KB a short status)."""
    page_cache_bytes: int = 160 * 1024 * 1024
    """Bytes of whole pages (profiles, posts' pages, local and hashtag timelines as a visitor
    without a session sees them) each serving process keeps (``web/page_cache.py``); the
    oldest are forgotten beyond it. 0: none kept."""
    fragment_cache_bytes: int = 128 * 1024 * 1024
    """Bytes of posts' HTML as a visitor without a session sees them, kept by each serving
    process to join pages from (``web/page_cache.py``); the oldest are forgotten beyond it.
    0: none kept."""
    log_level: str = "INFO"
    """Python logging level."""
    federation_allow_http_hosts: str = ""
    """Comma-separated host:port pairs that outbound requests may reach over plain http and on
    loopback addresses, for tests and local trials; only literal loopback hosts (localhost,
    127.0.0.1, [::1]) are accepted. Empty: every outbound request is https to a public address."""
    federation_domain_concurrency: int = 3
    """Deliveries one process sends to one remote domain at once; a delivery that finds them
    all busy is put back a moment later without counting an attempt, so a slow server holds
    at most this many job slots (``federation/dispatch.py``)."""
    federation_deliveries_per_second: float = 0.0
    """Deliveries one process starts a second at most, so a large delivery leaves the API in
    the same process its share of the CPU (the embedded stack runs jobs beside requests).
    0: no limit. ``porina bench --only federation`` measures the trade (docs/performance.md)."""
    federation_authorized_fetch: bool = False
    """Authorized-fetch ("secure") mode: ActivityPub documents (actors other than the instance
    actor, posts, outboxes, collections) are served only to a GET signed by a remote actor
    whose domain is not suspended, else 401 (``federation/fetch_auth.py``). WebFinger,
    NodeInfo and the instance actor stay public."""
    federation_unavailable_days: float = 7.0
    """Days of failed deliveries (no success in between) after which a domain is marked
    unavailable and nothing more is queued for it until it answers again (Mastodon: 7)."""
    outbound_connect_timeout: int = 5
    """Seconds an outbound request may take to resolve its host and connect."""
    outbound_read_timeout: int = 10
    """Seconds an outbound request may wait for the next bytes of a response."""
    outbound_timeout: int = 30
    """Seconds an outbound request may take in all, redirects and the whole body included."""
    outbound_max_bytes: int = 1024 * 1024
    """Largest outbound response body in bytes, after decompression; a larger one is cut off
    and refused. Fetches of media pass their own, larger limit."""
    cpu_workers: int = 0
    """Threads for CPU-heavy work kept off the event loop (password hashing, compiling large
    keyword filters); more requests than threads wait their turn. 0: one per core."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Not a setting: unknown PORINA_* variables are refused at start-up."""

    @property
    def local_domain(self) -> str:
        return self.domain or (urlsplit(self.base_url).netloc or "localhost")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'porina.db').resolve()}"

    @property
    def mail_domain(self) -> str:
        """The signing domain: DKIM_DOMAIN, or the domain of MAIL_FROM."""
        return self.dkim_domain or self.mail_from.rpartition("@")[2] or "localhost"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    def __post_init__(self) -> None:
        if not self.base_url:
            object.__setattr__(self, "base_url", derived_base_url(self.host, self.port))

    @property
    def base_url_derived(self) -> bool:
        """True when BASE_URL was left empty and follows HOST and PORT."""
        return self.base_url == derived_base_url(self.host, self.port)

    def with_(self, **changes: object) -> Settings:
        if "base_url" not in changes and self.base_url_derived:
            changes["base_url"] = ""  # a derived address follows a new host or port
        return replace(self, **changes)  # type: ignore[arg-type]

    def resolved_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()


def derived_base_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches ``porina serve`` at."""
    shown = "127.0.0.1" if host in {"", "0.0.0.0", "::", "[::]"} else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def setting_names() -> list[str]:
    """The environment variable of every setting, in declaration order."""
    return [f"PORINA_{f.name.upper()}" for f in fields(Settings) if f.name != "extra"]


def _convert(name: str, raw: str, default: object) -> object:
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"PORINA_{name.upper()} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise SettingsError(f"PORINA_{name.upper()} must be a whole number") from exc
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError as exc:
            raise SettingsError(f"PORINA_{name.upper()} must be a number") from exc
    if isinstance(default, Path):
        return Path(raw)
    return raw


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment; raises SettingsError naming the variable at fault."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    known = {f.name: f for f in fields(Settings) if f.name != "extra"}
    for key, raw in env.items():
        if not key.startswith("PORINA_") or key.startswith("PORINA_TEST_"):
            continue
        name = key.removeprefix("PORINA_").lower()
        if name not in known:
            raise SettingsError(f"{key} is not a Porina setting (see docs/configuration.md)")
        spec = known[name]
        default = Settings.__dataclass_fields__[name].default
        values[name] = _convert(name, raw, default)
        allowed = get_args(spec.type) if "Literal" in str(spec.type) else ()
        choices = (
            get_args(globals()[spec.type])
            if isinstance(spec.type, str) and spec.type in globals()
            else allowed
        )
        if choices and values[name] not in choices:
            raise SettingsError(f"{key} must be one of {', '.join(choices)}, not {raw!r}")
    settings = Settings(**values)  # type: ignore[arg-type]
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    needs_redis = (
        settings.feed_store == "redis" or settings.broker == "redis" or settings.jobs == "saq"
    )
    if needs_redis and not settings.redis_url:
        raise SettingsError("PORINA_REDIS_URL is required when a Redis backend is chosen")
    if not settings.base_url.startswith(("http://", "https://")):
        raise SettingsError("PORINA_BASE_URL must start with http:// or https://")
    if settings.workers < 1:
        raise SettingsError("PORINA_WORKERS must be at least 1")
    if settings.status_cache_size < 1:
        raise SettingsError("PORINA_STATUS_CACHE_SIZE must be at least 1")
    if settings.status_cache_bytes < 1:
        raise SettingsError("PORINA_STATUS_CACHE_BYTES must be at least 1")
    if settings.page_cache_bytes < 0 or settings.fragment_cache_bytes < 0:
        raise SettingsError(
            "PORINA_PAGE_CACHE_BYTES and PORINA_FRAGMENT_CACHE_BYTES must be at least 0"
        )
    for name in ("connect_timeout", "read_timeout", "timeout", "max_bytes"):
        if getattr(settings, f"outbound_{name}") < 1:
            raise SettingsError(f"PORINA_OUTBOUND_{name.upper()} must be at least 1")
    parse_allow_http_hosts(settings.federation_allow_http_hosts)
    if settings.federation_domain_concurrency < 1:
        raise SettingsError("PORINA_FEDERATION_DOMAIN_CONCURRENCY must be at least 1")
    if settings.federation_unavailable_days <= 0 or settings.federation_deliveries_per_second < 0:
        raise SettingsError(
            "PORINA_FEDERATION_UNAVAILABLE_DAYS must be above 0 and "
            "PORINA_FEDERATION_DELIVERIES_PER_SECOND at least 0"
        )
    if settings.cpu_workers < 0:
        raise SettingsError("PORINA_CPU_WORKERS must be 0 (one per core) or more")
    _check_zone(settings.default_time_zone)


def _check_zone(name: str) -> None:
    try:
        if "/" not in name and name != "UTC":
            raise KeyError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        raise SettingsError(
            "PORINA_DEFAULT_TIME_ZONE must be an IANA time zone such as Europe/Helsinki, "
            f"not {name!r}"
        ) from None


def parse_allow_http_hosts(raw: str) -> frozenset[tuple[str, int]]:
    """PORINA_FEDERATION_ALLOW_HTTP_HOSTS as (host, port) pairs, host lower case without
    brackets; anything but a literal loopback host with a port is a SettingsError."""
    pairs: set[tuple[str, int]] = set()
    for item in (part.strip() for part in raw.split(",")):
        if item:
            pairs.add(_loopback_host_port(item))
    return frozenset(pairs)


def _loopback_host_port(item: str) -> tuple[str, int]:
    problem = (
        f"PORINA_FEDERATION_ALLOW_HTTP_HOSTS: {item!r} is not a loopback host:port "
        "(localhost:PORT, 127.0.0.1:PORT or [::1]:PORT)"
    )
    host, sep, port = item.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(problem)
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        if ":" not in host:
            raise SettingsError(problem)
    elif ":" in host:
        raise SettingsError(problem)
    if host != "localhost":
        try:
            loopback = ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise SettingsError(problem)
    return host, int(port)
