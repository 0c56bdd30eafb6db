"""What creating and editing a status both write: its text (checked as the server counts it,
formatted with mentions and hashtags), its media and its language."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    update,
)

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts import html
from porina.posts.errors import (
    InvalidMedia,
    InvalidStatus,
)
from porina.posts.models import (
    MediaAttachment,
    Mention,
    Status,
    StatusTag,
    Tag,
)
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

MAX_MEDIA = 4
MAX_SPOILER_CHARS = 1000
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"
"""Mastodon's words (``media_attachments.validations.not_ready``) for media still processing."""


@cache
def _languages() -> frozenset[str]:
    """ISO 639-1 codes (and the few ISO 639-3 ones Mastodon also accepts) Babel knows."""
    known = Locale("en").languages
    extra = {"ast", "ckb", "cnr", "jbo", "kab", "ldn", "lfn", "sco", "sma", "smj", "szl", "tok"}
    return frozenset(str(c) for c in known if isinstance(c, str) and len(c) == 2) | extra


def is_language(code: str) -> bool:
    return code.lower() in _languages()


def media_json(m: MediaAttachment) -> dict[str, Any]:
    """The renderer-independent shape of an attachment stored on ``Status.media``: ``url``
    and ``preview_url`` relative to the media folder (the renderer makes them absolute); no
    ``url`` while it is processing, as Mastodon."""
    return {
        "id": str(m.id),
        "type": m.type,
        "url": None if m.processing else m.file_path,
        "preview_url": m.thumbnail_path or (m.file_path if m.type == "image" else None),
        "remote_url": m.remote_url,
        "meta": m.meta or {},
        "description": m.description,
        "blurhash": m.blurhash,
    }


def check_text(tx: Tx, text: str, spoiler_text: str, *, has_media_or_poll: bool) -> None:
    limit = tx.settings.max_status_chars
    if not text.strip() and not has_media_or_poll:
        raise InvalidStatus("Validation failed: Text can't be blank")
    if len(spoiler_text) > MAX_SPOILER_CHARS:
        raise InvalidStatus("Validation failed: Spoiler text is too long")
    if html.length(text, spoiler_text) > limit:
        raise InvalidStatus(f"Validation failed: Text character limit of {limit} exceeded")


def check_language(language: str | None) -> str | None:
    if language is None or language == "":
        return None
    if not is_language(language):
        raise InvalidStatus("Validation failed: Language is not a supported language")
    return language


async def load_media(
    tx: Tx, account_id: int, media_ids: list[int], status_id: int | None = None
) -> list[MediaAttachment]:
    """The caller's own, unattached (or attached to ``status_id``) media, in the order given."""
    ids = list(dict.fromkeys(media_ids))
    if len(ids) > MAX_MEDIA:
        raise InvalidMedia(f"Validation failed: You cannot attach more than {MAX_MEDIA} files")
    if not ids:
        return []
    free: ColumnElement[bool] = MediaAttachment.status_id.is_(None)
    if status_id is not None:
        free = or_(free, MediaAttachment.status_id == status_id)
    rows = await tx.session.scalars(
        select(MediaAttachment).where(
            MediaAttachment.id.in_(ids), MediaAttachment.account_id == account_id, free
        )
    )
    found = {m.id: m for m in rows}
    if len(found) != len(ids):
        raise InvalidMedia("Validation failed: Some of the media attachments could not be found")
    media = [found[i] for i in ids]
    if any(m.processing_failed for m in media):
        raise InvalidMedia("Validation failed: Some media attachments could not be processed")
    if any(m.processing for m in media):
        raise InvalidMedia(NOT_READY)
    if len(media) > 1 and any(m.type in {"video", "gifv", "audio"} for m in media):
        raise InvalidMedia("Validation failed: You cannot attach a video to a post with images")
    return media


async def _resolve_mentions(tx: Tx, text: str) -> dict[tuple[str, str | None], html.Profile]:
    settings = tx.settings
    refs = html.mention_refs(text, settings.local_domain)
    if not refs:
        return {}
    conditions = [
        and_(
            func.lower(Account.username) == name,
            Account.domain.is_(None) if domain is None else func.lower(Account.domain) == domain,
        )
        for name, domain in refs
    ]
    rows = await tx.session.scalars(
        select(Account).where(or_(*conditions), Account.suspended_at.is_(None))
    )
    out: dict[tuple[str, str | None], html.Profile] = {}
    for account in rows:
        remote = f"@{account.domain}" if account.domain else ""
        acct = f"{account.username}{remote}"
        url = account.url or f"/@{account.username}"  # a local profile: by path
        key = (account.username.lower(), account.domain.lower() if account.domain else None)
        group = account.actor_type == "Group"
        out[key] = html.Profile(account.id, account.username, acct, url, group)
    return out


async def format_text(tx: Tx, text: str) -> html.Formatted:
    settings = tx.settings
    profiles = await _resolve_mentions(tx, text)
    # Links to this server are stored as paths (the renderer prepends the base URL), so a
    # changed BASE_URL or PORT never leaves stale links in stored posts.
    return html.render(text, base_url="", local_domain=settings.local_domain, profiles=profiles)


def mentions_json(formatted: html.Formatted) -> list[dict[str, Any]]:
    return [
        {"id": str(p.id), "username": p.username, "acct": p.acct, "url": p.url}
        for p in formatted.mentions
    ]


_NAME = bindparam("porina_name", type_=String)


@cache
def _touch_tag_statement() -> Prebuilt:
    """A hashtag's ``last_status_at`` (a usable one's: an unusable one keeps its own) and
    its id and usability, in one prebuilt ``UPDATE ... RETURNING``."""
    moment = bindparam("porina_moment", type_=Tag.__table__.c.last_status_at.type)
    touched = case((Tag.usable.is_(True), moment), else_=Tag.last_status_at)
    return Prebuilt(
        update(Tag)
        .where(Tag.name == _NAME)
        .values(last_status_at=touched)
        .returning(Tag.id, Tag.usable)
    )


async def _tag_ids(tx: Tx, names: list[str]) -> list[int]:
    """The usable hashtags' ids, each hashtag made if new (``INSERT ... ON CONFLICT DO
    NOTHING``: a concurrent post of the same new hashtag is no error) and its
    ``last_status_at`` moved; prebuilt statements, one per known hashtag, two per new one."""
    ids: list[int] = []
    moment = now()
    for display in names:
        name = display.lower()
        params = {"porina_name": name, "porina_moment": moment}
        row = (await tx.run(_touch_tag_statement(), params)).first()
        if row is None:
            tag_id = new_id()
            made = {
                "id": tag_id,
                "name": name,
                "display_name": display,
                "created_at": moment,
                "last_status_at": moment,
            }
            if await tx.insert_if_absent(Tag, made, unique=("name",)):
                ids.append(tag_id)
                continue
            row = (await tx.run(_touch_tag_statement(), params)).one()
        if row[1]:
            ids.append(int(row[0]))
    return ids


async def write_tags(tx: Tx, status: Status, names: list[str], *, fresh: bool = False) -> None:
    """The status's hashtag rows (``fresh``: a new status, which has none to replace), by
    prebuilt ``INSERT``s."""
    if not fresh:
        await tx.session.execute(delete(StatusTag).where(StatusTag.status_id == status.id))
    for tag_id in await _tag_ids(tx, names):
        await tx.insert(StatusTag, {"tag_id": tag_id, "status_id": status.id})
    status.tags = [n.lower() for n in names]


async def write_mentions(
    tx: Tx, status: Status, formatted: html.Formatted, *, fresh: bool = False
) -> list[int]:
    """Mention rows for every mentioned account; returns the ids newly mentioned (``fresh``:
    a new status, which mentions nobody yet)."""
    existing: set[int] = set()
    if not fresh:
        found = select(Mention.account_id).where(Mention.status_id == status.id)
        existing = set(await tx.session.scalars(found))
    new_ids = [p.id for p in formatted.mentions if p.id not in existing]
    for account_id in new_ids:
        if fresh:  # a prebuilt INSERT (the status row is written: Tx.insert in compose)
            await tx.insert(Mention, {"status_id": status.id, "account_id": account_id})
        else:
            tx.session.add(Mention(status_id=status.id, account_id=account_id))
    status.mentions = mentions_json(formatted)
    return new_ids


async def sensitized(tx: Tx, account_id: int) -> bool:
    """Whether a moderator marked the account's media sensitive (asked only for media)."""
    found = await tx.session.scalar(select(Account.sensitized_at).where(Account.id == account_id))
    return found is not None
