"""The instance's texts and lists beside ``/api/v1/instance``: the privacy policy, the terms of
service, the languages posts may be in, the translation languages, the server's domain
blocks, and the announcements' dismiss and reactions (Porina publishes no announcements)."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from litestar import Request, delete, get, post, put

from porina.api.mastodon.auth import require, services_of
from porina.core.clock import now
from porina.core.errors import NotFound
from porina.federation import domain_blocks as blocks
from porina.posts.content import is_language
from porina.settings import Settings

DEFAULT_POLICY_DATE = "2026-01-01T00:00:00.000Z"
DEFAULT_POLICY = """<p>This policy describes how {title} ("we") collects, uses and protects the
information you give it through its website and its API.</p>
<h1>What information we collect</h1>
<ul>
<li><strong>Account information.</strong> Your username, e-mail address and password (stored
only as a hash). Your display name, biography, avatar and header are public.</li>
<li><strong>Posts and interactions.</strong> What you post, favourite, boost, bookmark and
follow. Public and unlisted posts are public; posts for followers only reach your followers;
direct messages reach the people they mention. Anything that is delivered to another server
is out of our control once it has arrived there.</li>
<li><strong>Sign-in records.</strong> The times you sign in and the day you last used your
account, to keep your timeline up to date and your account safe.</li>
</ul>
<h1>What we use it for</h1>
<p>To run the service for you: show your posts to the people you choose, show you the posts of
those you follow, and send you the e-mails you ask for (confirmation, password reset). We do
not sell your information or show advertising based on it.</p>
<h1>How long we keep it</h1>
<p>Until you delete it or your account. Deleted posts are removed from this server and a
deletion is sent to the servers they reached.</p>
<h1>Your rights</h1>
<p>You can change or delete what you posted and your profile at any time. For anything else,
write to <a href="mailto:{contact}">{contact}</a>.</p>
"""


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _read(name: str) -> tuple[str, datetime]:
    """The file's text and modification time; a file that cannot be read is an operator's
    mistake, reported as such (a 500 with the path in the log), not hidden."""
    path = Path(name)
    return path.read_text(encoding="utf-8"), datetime.fromtimestamp(path.stat().st_mtime, UTC)


def privacy_policy_of(s: Settings) -> dict[str, str]:
    if s.privacy_policy_file:
        content, changed = _read(s.privacy_policy_file)
        return {"updated_at": _stamp(changed), "content": content}
    content = DEFAULT_POLICY.format(
        title=html.escape(s.instance_title), contact=html.escape(s.contact_email)
    )
    return {"updated_at": DEFAULT_POLICY_DATE, "content": content}


@get("/api/v1/instance/privacy_policy")
async def privacy_policy(request: Request[Any, Any, Any]) -> dict[str, str]:
    return privacy_policy_of(services_of(request).settings)


def terms_of(s: Settings) -> dict[str, Any]:
    """The one published version of the terms (Porina keeps no history of them)."""
    if not s.terms_of_service_file:
        raise NotFound()
    content, changed = _read(s.terms_of_service_file)
    effective = changed.date()
    return {
        "effective_date": effective.isoformat(),
        "effective": effective <= now().date(),
        "content": content,
        "succeeded_by": None,
    }


@get("/api/v1/instance/terms_of_service")
async def terms_of_service(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return terms_of(services_of(request).settings)


@get("/api/v1/instance/terms_of_service/{day:str}")
async def terms_of_service_on(request: Request[Any, Any, Any], day: str) -> dict[str, Any]:
    """The version in effect from ``day``: 404 for a day no version starts on, as Mastodon."""
    terms = terms_of(services_of(request).settings)
    try:
        wanted = date.fromisoformat(day)
    except ValueError as exc:
        raise NotFound() from exc
    if wanted.isoformat() != terms["effective_date"]:
        raise NotFound()
    return terms


@cache
def _language_list() -> list[dict[str, str]]:
    names = Locale("en").languages
    codes = sorted(c for c in names if isinstance(c, str) and is_language(c))
    return [{"code": code, "name": str(names[code])} for code in codes]


@get("/api/v1/instance/languages")
async def languages() -> list[dict[str, str]]:
    """The languages a post may be tagged with (``language`` on ``POST /api/v1/statuses``)."""
    return _language_list()


@get("/api/v1/instance/translation_languages")
async def translation_languages() -> dict[str, list[str]]:
    """Source language -> target languages; none, since Porina has no translation service
    (Mastodon answers ``{}`` when none is configured)."""
    return {}


@get("/api/v1/instance/domain_blocks")
async def domain_blocks(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    """The servers this one silences or suspends (the admin's ``/api/v1/admin/domain_blocks``,
    ``noop`` left out; an obfuscated block's domain partly starred), by domain; a person's
    own domain blocks are ``/api/v1/domain_blocks``."""
    async with services_of(request).db.read() as session:
        return list(await blocks.published(session))


@post("/api/v1/announcements/{announcement_id:str}/dismiss", status_code=200)
async def dismiss_announcement(request: Request[Any, Any, Any], announcement_id: str) -> None:
    """Porina publishes no announcements (``GET /api/v1/announcements`` is empty), so every
    id names nothing."""
    await require(request, "write:accounts")
    raise NotFound()


@put("/api/v1/announcements/{announcement_id:str}/reactions/{name:str}", status_code=200)
async def react_to_announcement(
    request: Request[Any, Any, Any], announcement_id: str, name: str
) -> None:
    await require(request, "write:favourites")
    raise NotFound()


@delete("/api/v1/announcements/{announcement_id:str}/reactions/{name:str}", status_code=200)
async def unreact_to_announcement(
    request: Request[Any, Any, Any], announcement_id: str, name: str
) -> None:
    await require(request, "write:favourites")
    raise NotFound()


ROUTES = [
    privacy_policy,
    terms_of_service,
    terms_of_service_on,
    languages,
    translation_languages,
    domain_blocks,
    dismiss_announcement,
    react_to_announcement,
    unreact_to_announcement,
]
