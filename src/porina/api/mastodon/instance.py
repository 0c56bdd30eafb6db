"""``/api/v1/instance``, ``/api/v2/instance``, NodeInfo, WebFinger and friends."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import msgspec
from litestar import Request, Response, get
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina import __version__
from porina.accounts import queries as account_queries
from porina.accounts.models import Account, RemoteInstance, User
from porina.api.mastodon.auth import ApiRuntime, services_of
from porina.core.clock import now
from porina.core.errors import BadRequest, NotFound
from porina.core.inputs import has_nul
from porina.notifications.push.keys import vapid_keys
from porina.posts import media as media_rules
from porina.posts import polls as poll_rules
from porina.posts.actions import MAX_MEDIA
from porina.posts.models import CustomEmoji, Status
from porina.render import entities as e
from porina.render.renderer import Renderer
from porina.settings import Settings
from porina.storage.db import Database

MASTODON_COMPAT = "4.3.0"
SOURCE_URL = "https://example.invalid/porina"
LANGUAGES = ["en", "fi"]
DESCRIPTION = "A self-hostable social platform where businesses and the people around them talk."
MIME_TYPES = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "audio/mpeg",
    "audio/mp3",
    "audio/ogg",
    "audio/wav",
    "audio/flac",
    "audio/mp4",
    "audio/webm",
]
"""What uploads accept (posts.media.sniff and the probes): a type listed here is taken, and
tests/api/test_media_probe.py uploads a real file of each."""


def version_string() -> str:
    return f"{MASTODON_COMPAT} (compatible; Porina {__version__})"


def _streaming_url(s: Settings) -> str:
    return s.base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)


def _statuses(s: Settings) -> dict[str, int]:
    return {
        "max_characters": s.max_status_chars,
        "max_media_attachments": MAX_MEDIA,
        "characters_reserved_per_url": 23,
    }


def _media(s: Settings) -> dict[str, Any]:
    return {
        "supported_mime_types": MIME_TYPES,
        "image_size_limit": s.max_image_bytes,
        "image_matrix_limit": media_rules.MAX_PIXELS,
        "video_size_limit": s.max_video_bytes,
        "video_frame_rate_limit": 120,
        "video_matrix_limit": 8_294_400,
        "description_limit": media_rules.MAX_DESCRIPTION,
    }


def _polls() -> dict[str, int]:
    return {
        "max_options": poll_rules.MAX_OPTIONS,
        "max_characters_per_option": poll_rules.MAX_OPTION_CHARS,
        "min_expiration": poll_rules.MIN_EXPIRES_IN,
        "max_expiration": poll_rules.MAX_EXPIRES_IN,
    }


async def _stats(session: AsyncSession) -> dict[str, int]:
    users = (
        select(func.count())
        .select_from(Account)
        .where(Account.domain.is_(None), Account.suspended_at.is_(None))
    )
    statuses = (
        select(func.count()).select_from(Status).join(Account, Account.id == Status.account_id)
    )
    statuses = statuses.where(Account.domain.is_(None), Status.deleted_at.is_(None))
    domains = select(func.count()).select_from(RemoteInstance)
    month = (
        select(func.count())
        .select_from(User)
        .where(User.last_sign_in_at >= now() - timedelta(days=30))
    )
    return {
        "user_count": int(await session.scalar(users) or 0),
        "status_count": int(await session.scalar(statuses) or 0),
        "domain_count": int(await session.scalar(domains) or 0),
        "active_month": int(await session.scalar(month) or 0),
    }


async def _contact(session: AsyncSession, renderer: Renderer) -> e.Account | None:
    account = await session.scalar(
        select(Account)
        .join(User, User.account_id == Account.id)
        .where(User.role == "admin", Account.suspended_at.is_(None))
        .order_by(User.id)
        .limit(1)
    )
    return renderer.account(account) if account is not None else None


def _thumbnail(s: Settings) -> str:
    return s.base_url.rstrip("/") + "/static/header-missing.png"


STATS_SECONDS = 60.0
"""How long a process answers the instance's statistics and contact account from its copy
(Mastodon caches them too). Settings are per process, so a changed ``Settings`` object makes
a new copy at once."""


@dataclass(slots=True)
class _Snapshot:
    settings: Settings
    made: float
    stats: dict[str, int]
    contact: e.Account | None
    bodies: dict[str, bytes] = field(default_factory=dict)


_SNAPSHOTS: weakref.WeakKeyDictionary[Database, _Snapshot] = weakref.WeakKeyDictionary()
_encode = msgspec.json.Encoder().encode


async def _snapshot(svc: ApiRuntime) -> _Snapshot:
    """The statistics and contact account, read at most every ``STATS_SECONDS``."""
    found = _SNAPSHOTS.get(svc.db)
    clock = time.monotonic()
    if found is not None and found.settings is svc.settings and clock - found.made < STATS_SECONDS:
        return found
    async with svc.db.read() as session:
        stats = await _stats(session)
        contact = await _contact(session, Renderer(svc.settings))
    found = _SNAPSHOTS[svc.db] = _Snapshot(svc.settings, clock, stats, contact)
    return found


async def _cached_json(request: Request[Any, Any, Any], version: str) -> Response[bytes]:
    svc = services_of(request)
    snapshot = await _snapshot(svc)
    body = snapshot.bodies.get(version)
    if body is None:
        if version == "v1":
            made = _v1(snapshot.settings, dict(snapshot.stats), snapshot.contact)
        else:
            vapid = await vapid_keys(svc.db)
            made = _v2(snapshot.settings, snapshot.stats, snapshot.contact, vapid.public_key)
        body = snapshot.bodies[version] = _encode(made)
    return Response(body, media_type="application/json")


@get("/api/v1/instance")
async def instance_v1(request: Request[Any, Any, Any]) -> Response[bytes]:
    return await _cached_json(request, "v1")


@get("/api/v2/instance")
async def instance_v2(request: Request[Any, Any, Any]) -> Response[bytes]:
    return await _cached_json(request, "v2")


def _v1(s: Settings, stats: dict[str, int], contact: e.Account | None) -> dict[str, Any]:
    stats.pop("active_month")
    return {
        "uri": s.local_domain,
        "title": s.instance_title,
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": s.contact_email,
        "version": version_string(),
        "urls": {"streaming_api": _streaming_url(s)},
        "stats": stats,
        "thumbnail": _thumbnail(s),
        "languages": LANGUAGES,
        "registrations": s.registrations != "closed",
        "approval_required": s.registrations == "approval",
        "invites_enabled": False,
        "configuration": {
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": _statuses(s),
            "media_attachments": _media(s),
            "polls": _polls(),
        },
        "contact_account": contact,
        "rules": [],
    }


def _v2(
    s: Settings, stats: dict[str, int], contact: e.Account | None, vapid_key: str
) -> dict[str, Any]:
    return {
        "domain": s.local_domain,
        "title": s.instance_title,
        "version": version_string(),
        "source_url": SOURCE_URL,
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": stats["active_month"]}},
        "thumbnail": {"url": _thumbnail(s)},
        "icon": [],
        "languages": LANGUAGES,
        "configuration": {
            "urls": {"streaming": _streaming_url(s), "status": None},
            "vapid": {"public_key": vapid_key},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": _statuses(s),
            "media_attachments": _media(s),
            "polls": _polls(),
            "translation": {"enabled": False},
        },
        "registrations": {
            "enabled": s.registrations != "closed",
            "approval_required": s.registrations == "approval",
            "message": None,
        },
        "api_versions": {"mastodon": 6},
        "contact": {"email": s.contact_email, "account": contact},
        "rules": [],
    }


@get("/api/v1/instance/peers")
async def peers(request: Request[Any, Any, Any]) -> list[str]:
    async with services_of(request).db.read() as session:
        rows = await session.scalars(
            select(RemoteInstance.domain)
            .where(RemoteInstance.severity != "suspend")
            .order_by(RemoteInstance.domain)
        )
        return list(rows)


@get("/api/v1/instance/activity")
async def activity(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    """Twelve weeks of local statuses, logins and sign-ups, newest week first."""
    start = now().replace(hour=0, minute=0, second=0, microsecond=0)
    start -= timedelta(days=start.weekday())
    weeks = [start - timedelta(weeks=i) for i in range(12)]
    out: list[dict[str, str]] = []
    async with services_of(request).db.read() as session:
        for week in weeks:
            end = week + timedelta(weeks=1)
            posted = (
                select(func.count())
                .select_from(Status)
                .where(Status.local.is_(True), Status.created_at >= week, Status.created_at < end)
            )
            logins = (
                select(func.count())
                .select_from(User)
                .where(User.last_sign_in_at >= week, User.last_sign_in_at < end)
            )
            joined = (
                select(func.count())
                .select_from(User)
                .where(User.created_at >= week, User.created_at < end)
            )
            out.append(
                {
                    "week": str(int(week.timestamp())),
                    "statuses": str(await session.scalar(posted) or 0),
                    "logins": str(await session.scalar(logins) or 0),
                    "registrations": str(await session.scalar(joined) or 0),
                }
            )
    return out


@get("/api/v1/instance/rules")
async def rules() -> list[dict[str, str]]:
    return []


@get("/api/v1/instance/extended_description")
async def extended_description() -> dict[str, Any]:
    return {"updated_at": "2026-01-01T00:00:00.000Z", "content": f"<p>{DESCRIPTION}</p>"}


@get("/api/v1/custom_emojis")
async def custom_emojis(request: Request[Any, Any, Any]) -> list[e.CustomEmoji]:
    svc = services_of(request)
    base = svc.settings.base_url.rstrip("/")
    async with svc.db.read() as session:
        rows = await session.scalars(
            select(CustomEmoji).where(CustomEmoji.domain.is_(None)).order_by(CustomEmoji.shortcode)
        )
        emojis = list(rows)
    return [
        e.CustomEmoji(
            shortcode=row.shortcode,
            url=row.image_remote_url or f"{base}/media/{row.image_path}",
            static_url=row.image_remote_url or f"{base}/media/{row.image_path}",
            visible_in_picker=row.visible_in_picker,
            category=row.category,
        )
        for row in emojis
    ]


@get("/api/v1/announcements")
async def announcements() -> list[dict[str, Any]]:
    return []


# ---- discovery ------------------------------------------------------------------------------


NODEINFO_VERSIONS = ("2.0", "2.1")
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{}"


@get("/.well-known/nodeinfo")
async def nodeinfo_links(request: Request[Any, Any, Any]) -> dict[str, Any]:
    base = services_of(request).settings.base_url.rstrip("/")
    return {
        "links": [
            {"rel": NODEINFO_SCHEMA.format(v), "href": f"{base}/nodeinfo/{v}"}
            for v in NODEINFO_VERSIONS
        ]
    }


@get("/nodeinfo/{version:str}")
async def nodeinfo(request: Request[Any, Any, Any], version: str) -> Response[dict[str, Any]]:
    """NodeInfo 2.0 and 2.1. ``metadata.upstream`` names Mastodon and the version of its API
    Porina speaks: clients that pick their protocol from NodeInfo (megalodon: Whalebird,
    Fedistar) know only listed software names, or that field."""
    if version not in NODEINFO_VERSIONS:
        raise NotFound()
    snapshot = await _snapshot(services_of(request))
    s, stats = snapshot.settings, snapshot.stats
    body = {
        "version": version,
        "software": {"name": "porina", "version": __version__},
        "protocols": ["activitypub"],
        "services": {"outbound": [], "inbound": []},
        "usage": {
            "users": {"total": stats["user_count"], "activeMonth": stats["active_month"]},
            "localPosts": stats["status_count"],
        },
        "openRegistrations": s.registrations == "open",
        "metadata": {
            "nodeName": s.instance_title,
            "nodeDescription": DESCRIPTION,
            "upstream": {"name": "mastodon", "version": MASTODON_COMPAT},
        },
    }
    media_type = f'application/json; profile="{NODEINFO_SCHEMA.format(version)}#"'
    return Response(body, media_type=media_type)


@get("/.well-known/webfinger")
async def webfinger(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    svc = services_of(request)
    s = svc.settings
    base = s.base_url.rstrip("/")
    resource = request.query_params.get("resource") or ""
    if not resource:
        raise BadRequest("resource parameter is required")
    username = _local_username(resource, s)
    if has_nul(username):  # no account has one (core.inputs)
        raise NotFound()
    async with svc.db.read() as session:
        account = await account_queries.local(session, username)
    if account is None or account_queries.hidden_group(account):
        raise NotFound()
    actor = f"{base}/users/{account.username}"
    body = {
        "subject": f"acct:{account.username}@{s.local_domain}",
        "aliases": [f"{base}/@{account.username}", actor],
        "links": [
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": f"{base}/@{account.username}",
            },
            {"rel": "self", "type": "application/activity+json", "href": actor},
        ],
    }
    return Response(body, media_type="application/jrd+json; charset=utf-8")


def _local_username(resource: str, s: Settings) -> str:
    base = s.base_url.rstrip("/")
    text = resource.strip()
    for prefix in (f"{base}/users/", f"{base}/@"):
        if text.startswith(prefix):
            return text.removeprefix(prefix).strip("/")
    name, _, domain = text.removeprefix("acct:").lstrip("@").partition("@")
    if not name or (domain and domain.lower() != s.local_domain.lower()):
        raise NotFound()
    return name


@get("/.well-known/host-meta")
async def host_meta(request: Request[Any, Any, Any]) -> Response[str]:
    base = services_of(request).settings.base_url.rstrip("/")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{base}/.well-known/webfinger?resource={{uri}}"/>\n'
        "</XRD>\n"
    )
    return Response(xml, media_type="application/xrd+xml; charset=utf-8")


ROUTES = [
    instance_v1,
    instance_v2,
    peers,
    activity,
    rules,
    extended_description,
    custom_emojis,
    announcements,
    nodeinfo_links,
    nodeinfo,
    webfinger,
    host_meta,
]
