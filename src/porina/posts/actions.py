"""Status writers: create (now or scheduled), edit, delete, pin.

``create_status`` validates everything before writing anything, so a refused post leaves no
trace. Rendering data that only changes with an edit (HTML, media, mentions, tags) is
denormalised onto the status row; the normalised rows (mentions, status_tags,
media_attachments.status_id) are written alongside for lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from babel import Locale
from sqlalchemy import ColumnElement, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from porina.accounts.models import Account
from porina.accounts.queries import default_visibility
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.events import (
    DirectMessageSent,
    StatusCreated,
    StatusDeleted,
    StatusEdited,
    StatusPinned,
    StatusUnpinned,
)
from porina.core.ids import new_id, parse_id
from porina.core.visibility import VISIBILITIES
from porina.jobs import queue
from porina.jobs.events import emit
from porina.posts import html, polls
from porina.posts.errors import (
    InvalidMedia,
    InvalidStatus,
    NotAllowed,
    PinLimit,
    ScheduledStatusNotFound,
    StatusNotFound,
)
from porina.posts.models import (
    IdempotencyKey,
    MediaAttachment,
    Mention,
    Poll,
    ScheduledStatus,
    Status,
    StatusEdit,
    StatusPin,
    StatusTag,
    Tag,
)
from porina.posts.polls import PollSpec
from porina.posts.visibility import PUBLIC, is_visible
from porina.storage.db import Tx

MAX_MEDIA = 4
MAX_PINS = 5
MAX_SPOILER_CHARS = 1000
IDEMPOTENCY_WINDOW = timedelta(hours=1)
MIN_SCHEDULE_AHEAD = timedelta(minutes=5)
MAX_SCHEDULED = 300
MAX_SCHEDULED_PER_DAY = 25
PUBLISH_SCHEDULED = "posts.publish_scheduled"
QUOTE_POLICIES = ("public", "followers", "nobody")
TOO_SOON = "Validation failed: Scheduled at The scheduled date must be in the future"


@dataclass(frozen=True, slots=True)
class NewStatus:
    """What a client asks to post (``POST /api/v1/statuses`` without ``scheduled_at``)."""

    text: str = ""
    media_ids: list[int] = field(default_factory=list)
    poll: PollSpec | None = None
    in_reply_to_id: int | None = None
    sensitive: bool = False
    spoiler_text: str = ""
    visibility: str | None = None
    language: str | None = None
    quoted_status_id: int | None = None
    quote_policy: str | None = None
    idempotency_key: str | None = None

    def as_params(self, visibility: str) -> dict[str, Any]:
        """Mastodon's ``ScheduledStatus.params`` shape."""
        return {
            "text": self.text,
            "visibility": visibility,
            "sensitive": self.sensitive,
            "spoiler_text": self.spoiler_text or None,
            "language": self.language,
            "in_reply_to_id": self.in_reply_to_id,
            "media_ids": [str(m) for m in self.media_ids] or None,
            "poll": self.poll.as_params() if self.poll else None,
            "quoted_status_id": str(self.quoted_status_id) if self.quoted_status_id else None,
            "quote_approval_policy": self.quote_policy
            or ("public" if visibility in PUBLIC else "nobody"),
            "idempotency": self.idempotency_key,
            "scheduled_at": None,
            "application_id": None,
            "with_rate_limit": False,
        }

    @classmethod
    def from_params(cls, data: dict[str, Any]) -> NewStatus:
        poll = data.get("poll")
        return cls(
            text=data.get("text") or "",
            media_ids=[m for m in (parse_id(x) for x in data.get("media_ids") or []) if m],
            poll=PollSpec.from_params(poll) if isinstance(poll, dict) else None,
            in_reply_to_id=parse_id(data.get("in_reply_to_id")),
            sensitive=bool(data.get("sensitive")),
            spoiler_text=data.get("spoiler_text") or "",
            visibility=data.get("visibility"),
            language=data.get("language"),
            quoted_status_id=parse_id(data.get("quoted_status_id")),
            quote_policy=data.get("quote_approval_policy"),
            idempotency_key=data.get("idempotency"),
        )


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An edit (``PUT /api/v1/statuses/:id``): the status's new full state."""

    text: str = ""
    spoiler_text: str = ""
    sensitive: bool = False
    media_ids: list[int] = field(default_factory=list)
    poll: PollSpec | None = None
    language: str | None = None
    media_descriptions: dict[int, str] = field(default_factory=dict)


# --- helpers ---------------------------------------------------------------------------------


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
    and ``preview_url`` relative to the media folder (the renderer makes them absolute)."""
    return {
        "id": str(m.id),
        "type": m.type,
        "url": m.file_path,
        "preview_url": m.thumbnail_path or (m.file_path if m.type == "image" else None),
        "remote_url": m.remote_url,
        "meta": m.meta or {},
        "description": m.description,
        "blurhash": m.blurhash,
    }


async def get_visible(tx: Tx, viewer_id: int | None, status_id: int) -> Status:
    status = await tx.session.get(Status, status_id)
    if status is None or not await is_visible(tx.session, viewer_id, status):
        raise StatusNotFound()
    return status


async def get_own(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await tx.session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        raise StatusNotFound()
    if status.account_id != actor.account_id:
        if await is_visible(tx.session, actor.account_id, status):
            raise NotAllowed("This action is not allowed")
        raise StatusNotFound()
    return status


def _check_text(tx: Tx, text: str, spoiler_text: str, *, has_media_or_poll: bool) -> None:
    limit = tx.settings.max_status_chars
    if not text.strip() and not has_media_or_poll:
        raise InvalidStatus("Validation failed: Text can't be blank")
    if len(spoiler_text) > MAX_SPOILER_CHARS:
        raise InvalidStatus("Validation failed: Spoiler text is too long")
    if html.length(text, spoiler_text) > limit:
        raise InvalidStatus(f"Validation failed: Text character limit of {limit} exceeded")


def _check_language(language: str | None) -> str | None:
    if language is None or language == "":
        return None
    if not is_language(language):
        raise InvalidStatus("Validation failed: Language is not a supported language")
    return language


async def _load_media(
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
    if any(m.processing for m in media):
        raise InvalidMedia("Validation failed: Some media attachments are still processing")
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
    base = settings.base_url.rstrip("/")
    out: dict[tuple[str, str | None], html.Profile] = {}
    for account in rows:
        remote = f"@{account.domain}" if account.domain else ""
        acct = f"{account.username}{remote}"
        url = account.url or f"{base}/@{account.username}"
        key = (account.username.lower(), account.domain.lower() if account.domain else None)
        out[key] = html.Profile(account.id, account.username, acct, url)
    return out


async def _format(tx: Tx, text: str) -> html.Formatted:
    settings = tx.settings
    profiles = await _resolve_mentions(tx, text)
    return html.render(
        text, base_url=settings.base_url, local_domain=settings.local_domain, profiles=profiles
    )


def _mentions_json(formatted: html.Formatted) -> list[dict[str, Any]]:
    return [
        {"id": str(p.id), "username": p.username, "acct": p.acct, "url": p.url}
        for p in formatted.mentions
    ]


async def _tag_ids(tx: Tx, names: list[str]) -> list[int]:
    ids: list[int] = []
    moment = now()
    for display in names:
        name = display.lower()
        tag = await tx.session.scalar(select(Tag).where(Tag.name == name))
        if tag is None:
            tag = Tag(id=new_id(), name=name, display_name=display, created_at=moment)
            try:
                async with tx.session.begin_nested():
                    tx.session.add(tag)
            except IntegrityError:
                tag = await tx.session.scalar(select(Tag).where(Tag.name == name))
                if tag is None:
                    raise
        if not tag.usable:
            continue
        tag.last_status_at = moment
        ids.append(tag.id)
    return ids


async def _write_tags(tx: Tx, status: Status, names: list[str]) -> None:
    await tx.session.execute(delete(StatusTag).where(StatusTag.status_id == status.id))
    for tag_id in await _tag_ids(tx, names):
        tx.session.add(StatusTag(tag_id=tag_id, status_id=status.id))
    status.tags = [n.lower() for n in names]


async def _write_mentions(tx: Tx, status: Status, formatted: html.Formatted) -> list[int]:
    """Mention rows for every mentioned account; returns the ids newly mentioned."""
    existing = set(
        await tx.session.scalars(select(Mention.account_id).where(Mention.status_id == status.id))
    )
    new_ids = [p.id for p in formatted.mentions if p.id not in existing]
    for account_id in new_ids:
        tx.session.add(Mention(status_id=status.id, account_id=account_id))
    status.mentions = _mentions_json(formatted)
    return new_ids


@cache
def _bump_statement(model: Any, column: str, *, down: bool) -> Any:
    """``UPDATE ... SET column = column + delta`` built once per counter (a decrement never
    goes below zero); the row and the delta are parameters."""
    col = getattr(model, column)
    stmt = update(model.__table__).where(model.id == bindparam("porina_row"))
    if down:
        stmt = stmt.where(col > 0)
    return stmt.values({column: col + bindparam("porina_delta")})


async def bump(
    tx: Tx, model: Any, row_id: int, column: str, delta: int, *, refresh: bool = True
) -> None:
    """Add ``delta`` to a counter column in SQL (never below zero), and refresh the object
    if the session holds it (``refresh=False`` when the caller will not read the count)."""
    statement = _bump_statement(model, column, down=delta < 0)
    await tx.session.execute(statement, {"porina_row": row_id, "porina_delta": delta})
    obj = tx.session.identity_map.get(tx.session.identity_key(model, row_id))
    if obj is not None and refresh:
        await tx.session.refresh(obj, [column])


# --- create ----------------------------------------------------------------------------------


async def _replied_to(tx: Tx, actor: Actor, status_id: int | None) -> Status | None:
    if status_id is None:
        return None
    parent = await get_visible(tx, actor.account_id, status_id)
    if parent.reblog_of_id is not None:
        raise StatusNotFound()
    return parent


async def _quoted(tx: Tx, actor: Actor, status_id: int | None) -> Status | None:
    if status_id is None:
        return None
    quoted = await get_visible(tx, actor.account_id, status_id)
    if quoted.reblog_of_id is not None:
        raise StatusNotFound()
    own = quoted.account_id == actor.account_id
    if not own and (quoted.visibility not in PUBLIC or quoted.quote_policy == "nobody"):
        raise NotAllowed("This status cannot be quoted")
    return quoted


async def _idempotent(tx: Tx, actor: Actor, key: str | None) -> Status | None:
    if not key:
        return None
    row = await tx.session.get(IdempotencyKey, (actor.account_id, key))
    if row is None:
        return None
    if aware(row.created_at) < now() - IDEMPOTENCY_WINDOW:
        await tx.session.delete(row)
        await tx.session.flush()
        return None
    return await tx.session.get(Status, row.status_id)


async def _check_new(tx: Tx, actor: Actor, new: NewStatus) -> tuple[str, list[MediaAttachment]]:
    """Validation shared by posting now and scheduling; returns visibility and media."""
    if new.poll is not None and new.media_ids:
        raise InvalidStatus("Validation failed: Cannot attach both media and a poll")
    if new.poll is not None:
        new.poll.check()
    media = await _load_media(tx, actor.account_id, new.media_ids)
    _check_text(tx, new.text, new.spoiler_text, has_media_or_poll=bool(media) or bool(new.poll))
    if new.visibility is not None and new.visibility not in VISIBILITIES:
        raise InvalidStatus("Validation failed: Visibility is not included in the list")
    if new.quote_policy is not None and new.quote_policy not in QUOTE_POLICIES:
        raise InvalidStatus("Validation failed: Quote approval policy is not included in the list")
    _check_language(new.language)
    visibility = new.visibility or await default_visibility(tx.session, actor.account_id)
    return visibility, media


async def _sensitized(tx: Tx, account_id: int) -> bool:
    """Whether a moderator marked the account's media sensitive (asked only for media)."""
    found = await tx.session.scalar(select(Account.sensitized_at).where(Account.id == account_id))
    return found is not None


async def create_status(tx: Tx, actor: Actor, new: NewStatus) -> Status:
    """Publish a status. With an ``idempotency_key`` seen within the hour, returns the
    status that key created instead of posting twice."""
    again = await _idempotent(tx, actor, new.idempotency_key)
    if again is not None:
        return again
    visibility, media = await _check_new(tx, actor, new)
    parent = await _replied_to(tx, actor, new.in_reply_to_id)
    quoted = await _quoted(tx, actor, new.quoted_status_id)
    formatted = await _format(tx, new.text)
    moment = now()
    status_id = new_id()
    status = Status(
        id=status_id,
        account_id=actor.account_id,
        visibility=visibility,
        text=new.text,
        content=formatted.html,
        spoiler_text=new.spoiler_text,
        sensitive=new.sensitive
        or bool(new.spoiler_text.strip())
        or (bool(media) and await _sensitized(tx, actor.account_id)),
        language=_check_language(new.language),
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        thread_id=(parent.thread_id or parent.id) if parent else status_id,
        quote_of_id=quoted.id if quoted else None,
        quote_state="accepted" if quoted else None,
        quote_policy=new.quote_policy or ("public" if visibility in PUBLIC else "nobody"),
        application_id=actor.app_id,
        created_by_user_id=actor.user_id,
        created_at=moment,
        local=True,
        media=[media_json(m) for m in media],
        mentions=[],
        tags=[],
    )
    tx.session.add(status)
    await tx.session.flush()
    for m in media:
        m.status_id = status.id
    mentioned = await _write_mentions(tx, status, formatted)
    await _write_tags(tx, status, formatted.tags)
    if new.poll is not None:
        await polls.attach(tx, status, new.poll)
    if new.idempotency_key:
        tx.session.add(
            IdempotencyKey(
                account_id=actor.account_id,
                key=new.idempotency_key,
                status_id=status.id,
                created_at=moment,
            )
        )
    await _counters_on_create(tx, status, parent, quoted)
    await tx.session.flush()
    await emit(tx, _created(actor, status, mentioned, parent, quoted))
    if visibility == "direct":
        event = DirectMessageSent(
            actor=actor,
            status_id=status.id,
            author_id=status.account_id,
            thread_id=thread_of(status),
            recipients=tuple(mentioned),
        )
        await emit(tx, event)
    return status


def _created(
    actor: Actor, status: Status, mentioned: list[int], parent: Status | None, quoted: Status | None
) -> StatusCreated:
    return StatusCreated(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        visibility=status.visibility,
        thread_id=thread_of(status),
        mentioned=tuple(mentioned),
        parent_id=parent.id if parent else None,
        parent_author_id=parent.account_id if parent else None,
        quoted_id=quoted.id if quoted else None,
        quoted_author_id=quoted.account_id if quoted else None,
    )


async def _counters_on_create(
    tx: Tx, status: Status, parent: Status | None, quoted: Status | None
) -> None:
    # As Mastodon: a direct status does not count, and only public/unlisted replies count,
    # or the counts would tell others that a DM or a private reply exists.
    if status.visibility != "direct":
        await bump(tx, Account, status.account_id, "statuses_count", 1)
        await tx.session.execute(
            update(Account)
            .where(Account.id == status.account_id)
            .values(last_status_at=status.created_at)
            .execution_options(synchronize_session=False)
        )
    if parent is not None and status.visibility in ("public", "unlisted"):
        await bump(tx, Status, parent.id, "replies_count", 1)
    if quoted is not None:
        await bump(tx, Status, quoted.id, "quotes_count", 1)


# --- scheduled -------------------------------------------------------------------------------


async def schedule_status(
    tx: Tx, actor: Actor, new: NewStatus, scheduled_at: datetime
) -> ScheduledStatus:
    """Keep ``new`` to publish at ``scheduled_at`` (at least five minutes ahead)."""
    moment = now()
    scheduled_at = aware(scheduled_at)
    if scheduled_at < moment + MIN_SCHEDULE_AHEAD:
        raise InvalidStatus(TOO_SOON)
    await _check_schedule_limits(tx, actor.account_id, scheduled_at)
    visibility, media = await _check_new(tx, actor, new)
    if new.in_reply_to_id is not None:
        await _replied_to(tx, actor, new.in_reply_to_id)
    if new.quoted_status_id is not None:
        await _quoted(tx, actor, new.quoted_status_id)
    row = ScheduledStatus(
        id=new_id(),
        account_id=actor.account_id,
        scheduled_at=scheduled_at,
        params=new.as_params(visibility) | {"application_id": actor.app_id or 0},
        media_ids=[str(m.id) for m in media],
        created_by_user_id=actor.user_id,
        application_id=actor.app_id,
        created_at=moment,
    )
    tx.session.add(row)
    await _enqueue_publish(tx, row)
    return row


async def _check_schedule_limits(tx: Tx, account_id: int, when: datetime) -> None:
    total = await tx.session.scalar(
        select(func.count()).where(ScheduledStatus.account_id == account_id)
    )
    if (total or 0) >= MAX_SCHEDULED:
        raise InvalidStatus("Validation failed: You have exceeded the limit of scheduled posts")
    day_start = when.replace(hour=0, minute=0, second=0, microsecond=0)
    same_day = await tx.session.scalar(
        select(func.count()).where(
            ScheduledStatus.account_id == account_id,
            ScheduledStatus.scheduled_at >= day_start,
            ScheduledStatus.scheduled_at < day_start + timedelta(days=1),
        )
    )
    if (same_day or 0) >= MAX_SCHEDULED_PER_DAY:
        raise InvalidStatus(
            "Validation failed: You have exceeded the limit of scheduled posts for that day"
        )


async def _enqueue_publish(tx: Tx, row: ScheduledStatus) -> None:
    at = aware(row.scheduled_at)
    await queue.enqueue(
        tx,
        PUBLISH_SCHEDULED,
        {"scheduled_status_id": str(row.id)},
        run_at=at,
        key=f"publish_scheduled:{row.id}:{at.isoformat()}",
    )


async def own_scheduled(tx: Tx, actor: Actor, scheduled_id: int) -> ScheduledStatus:
    row = await tx.session.get(ScheduledStatus, scheduled_id)
    if row is None or row.account_id != actor.account_id:
        raise ScheduledStatusNotFound()
    return row


async def reschedule(
    tx: Tx, actor: Actor, scheduled_id: int, scheduled_at: datetime
) -> ScheduledStatus:
    row = await own_scheduled(tx, actor, scheduled_id)
    scheduled_at = aware(scheduled_at)
    if scheduled_at < now() + MIN_SCHEDULE_AHEAD:
        raise InvalidStatus(TOO_SOON)
    row.scheduled_at = scheduled_at
    await _enqueue_publish(tx, row)
    return row


async def cancel_scheduled(tx: Tx, actor: Actor, scheduled_id: int) -> None:
    row = await own_scheduled(tx, actor, scheduled_id)
    await tx.session.delete(row)


async def publish_scheduled(tx: Tx, scheduled_id: int) -> Status | None:
    """Post a scheduled status whose time has come (the job's body). Returns None when there
    is nothing to do: already published, cancelled, or moved later."""
    row = await tx.session.get(ScheduledStatus, scheduled_id)
    if row is None or aware(row.scheduled_at) > now():
        return None
    media_ids = [m for m in (parse_id(x) for x in row.media_ids) if m]
    new = replace(NewStatus.from_params(dict(row.params)), media_ids=media_ids)
    actor = Actor(row.account_id, row.created_by_user_id, row.application_id)
    await tx.session.delete(row)
    await tx.session.flush()
    return await create_status(tx, actor, new)


# --- edit ------------------------------------------------------------------------------------


def _snapshot(status: Status, poll_options: list[str] | None, at: datetime) -> StatusEdit:
    return StatusEdit(
        id=new_id(),
        status_id=status.id,
        account_id=status.account_id,
        content=status.content,
        spoiler_text=status.spoiler_text,
        sensitive=status.sensitive,
        media=list(status.media or []),
        poll_options=poll_options,
        emojis=list(status.emojis or []),
        created_at=at,
    )


async def _poll_options(tx: Tx, status: Status) -> list[str] | None:
    poll = await tx.session.scalar(select(Poll).where(Poll.status_id == status.id))
    return list(poll.options) if poll is not None else None


async def edit_status(tx: Tx, actor: Actor, status_id: int, change: StatusChange) -> Status:
    """Edit an own status; the first edit also records the original version, as Mastodon
    does, so the history lists every version."""
    status = await get_own(tx, actor, status_id)
    if status.reblog_of_id is not None:
        raise StatusNotFound()
    if change.poll is not None and change.media_ids:
        raise InvalidStatus("Validation failed: Cannot attach both media and a poll")
    if change.poll is not None:
        change.poll.check()
    media = await _load_media(tx, actor.account_id, change.media_ids, status.id)
    has_extra = bool(media) or change.poll is not None
    _check_text(tx, change.text, change.spoiler_text, has_media_or_poll=has_extra)
    language = _check_language(change.language)
    moment = now()
    if status.edited_at is None:
        tx.session.add(_snapshot(status, await _poll_options(tx, status), status.created_at))
    for m in media:
        if m.id in change.media_descriptions:
            m.description = change.media_descriptions[m.id]
    await _swap_media(tx, status, media)
    await polls.replace(tx, status, change.poll)
    formatted = await _format(tx, change.text)
    status.text = change.text
    status.content = formatted.html
    status.spoiler_text = change.spoiler_text
    status.sensitive = change.sensitive or (bool(media) and await _sensitized(tx, actor.account_id))
    if language is not None:
        status.language = language
    status.edited_at = moment
    mentioned = await _write_mentions(tx, status, formatted)
    await _write_tags(tx, status, formatted.tags)
    tx.session.add(_snapshot(status, change.poll.options if change.poll else None, moment))
    await tx.session.flush()
    edited = StatusEdited(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        thread_id=thread_of(status),
        edited_at=moment.isoformat(),
        mentioned=tuple(mentioned),
    )
    await emit(tx, edited)
    return status


async def _swap_media(tx: Tx, status: Status, media: list[MediaAttachment]) -> None:
    keep = [m.id for m in media]
    detach = update(MediaAttachment).where(MediaAttachment.status_id == status.id)
    if keep:
        detach = detach.where(MediaAttachment.id.not_in(keep))
    await tx.session.execute(
        detach.values(status_id=None).execution_options(synchronize_session=False)
    )
    for m in media:
        m.status_id = status.id
    status.media = [media_json(m) for m in media]


# --- delete ----------------------------------------------------------------------------------


async def delete_status(tx: Tx, actor: Actor, status_id: int) -> Status:
    """Soft-delete an own status (and the reblogs of it). The returned row keeps ``text``
    so a client can redraft; its media are detached so the redraft can reuse them."""
    status = await get_own(tx, actor, status_id)
    await _discard(tx, actor, status)
    reblogs = list(
        await tx.session.scalars(
            select(Status).where(Status.reblog_of_id == status.id, Status.deleted_at.is_(None))
        )
    )
    for reblog in reblogs:
        await _discard(tx, actor, reblog, cascade=True)
    await tx.session.execute(
        update(MediaAttachment)
        .where(MediaAttachment.status_id == status.id)
        .values(status_id=None)
        .execution_options(synchronize_session=False)
    )
    return status


async def _discard(tx: Tx, actor: Actor, status: Status, *, cascade: bool = False) -> None:
    status.deleted_at = now()
    if status.visibility != "direct":  # counted as in _counters_on_create
        await bump(tx, Account, status.account_id, "statuses_count", -1)
    if status.in_reply_to_id is not None and status.visibility in ("public", "unlisted"):
        await bump(tx, Status, status.in_reply_to_id, "replies_count", -1)
    if status.reblog_of_id is not None:
        await bump(tx, Status, status.reblog_of_id, "reblogs_count", -1)
    if status.quote_of_id is not None:
        await bump(tx, Status, status.quote_of_id, "quotes_count", -1)
    await tx.session.execute(delete(StatusPin).where(StatusPin.status_id == status.id))
    await tx.session.flush()
    deleted = StatusDeleted(
        actor=actor,
        status_id=status.id,
        author_id=status.account_id,
        reblog_of_id=status.reblog_of_id,
        cascade=cascade,
    )
    await emit(tx, deleted)


# --- pins ------------------------------------------------------------------------------------


async def pin(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await get_visible(tx, actor.account_id, status_id)
    if status.account_id != actor.account_id:
        raise PinLimit("Validation failed: You can only pin your own posts")
    if status.reblog_of_id is not None:
        raise PinLimit("Validation failed: Boosts cannot be pinned")
    if status.visibility == "direct":
        raise PinLimit("Validation failed: Private mentions cannot be pinned")
    if await tx.session.get(StatusPin, (actor.account_id, status.id)) is not None:
        return status
    count = await tx.session.scalar(
        select(func.count()).where(StatusPin.account_id == actor.account_id)
    )
    if (count or 0) >= MAX_PINS:
        raise PinLimit(f"Validation failed: You can pin at most {MAX_PINS} posts")
    tx.session.add(StatusPin(account_id=actor.account_id, status_id=status.id, created_at=now()))
    await emit(tx, StatusPinned(actor=actor, status_id=status.id))
    return status


async def unpin(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await get_visible(tx, actor.account_id, status_id)
    result = await tx.session.execute(
        delete(StatusPin).where(
            StatusPin.account_id == actor.account_id, StatusPin.status_id == status.id
        )
    )
    if getattr(result, "rowcount", 0):
        await emit(tx, StatusUnpinned(actor=actor, status_id=status.id))
    return status


def thread_of(status: Status) -> int:
    return status.thread_id or status.id
