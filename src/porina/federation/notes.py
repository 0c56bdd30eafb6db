"""Notes both ways: a local status as the Note peers get (``note_for``: its mentions and the
post it answers looked up), and a Note from a peer as a status (``receive_note``,
``receive_edit``) written with the same mention, tag, counter and event writers as a local
post, so timelines, notifications, conversations and streams treat both alike.

An incoming Note's visibility comes from its addressing: ``as:Public`` in ``to`` is public,
in ``cc`` unlisted; the author's followers collection is followers-only; anything else
addressed to local accounts is direct. Media stay on the remote server (their URL is kept;
no copy is made).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import queries as account_queries
from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import new_id, parse_id
from porina.federation import documents as doc
from porina.federation import emoji, groups, questions, quotes
from porina.federation.documents import AS_PUBLIC
from porina.posts import html
from porina.posts.access import get_visible
from porina.posts.compose import publish_received
from porina.posts.content import is_language, write_mentions, write_tags
from porina.posts.editing import ReceivedEdit, edit_received
from porina.posts.errors import StatusNotFound
from porina.posts.models import Mention, Status
from porina.storage.db import Tx

MAX_CONTENT = 100_000
MAX_URI = 2048
MAX_MEDIA = 8
MEDIA_TYPES = {"image": "image", "video": "video", "audio": "audio"}


def listed(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def _items(note: dict[str, Any], key: str, limit: int) -> list[Any]:
    value = note.get(key)
    return value[:limit] if isinstance(value, list) else []


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


async def note_for(
    session: AsyncSession, status: Status, author: Account, base: str
) -> dict[str, Any]:
    """The Note for a local status, with its mentions and the post it answers."""
    mentioned: list[tuple[str, str]] = []
    rows = await session.scalars(
        select(Account)
        .join(Mention, Mention.account_id == Account.id)
        .where(Mention.status_id == status.id)
    )
    for account in rows:
        uri = account.uri or doc.actor_url(base, account.username)
        host = account.domain or urlsplit(base).netloc
        mentioned.append((uri, f"@{account.username}@{host}"))
    parent = await session.get(Status, status.in_reply_to_id) if status.in_reply_to_id else None
    parent_uri = await status_uri(session, parent, base) if parent is not None else None
    note = doc.note_document(status, author, base, mentioned=mentioned, in_reply_to=parent_uri)
    quoted = await session.get(Status, status.quote_of_id) if status.quote_of_id else None
    quoted_uri = await status_uri(session, quoted, base) if quoted is not None else None
    note["tag"] += await emoji.tags_for(session, base, status.content, status.spoiler_text)
    note.update(quotes.note_fields(status, note["attributedTo"], quoted_uri))
    return note | await questions.fields_for(session, status)


async def status_uri(session: AsyncSession, status: Status, base: str) -> str:
    if status.uri:
        return status.uri
    author = await session.get(Account, status.account_id)
    return doc.status_url(base, author.username if author else "-", status.id)


async def find_status(session: AsyncSession, base: str, uri: Any) -> Status | None:
    """The live status an ActivityPub id names: a local one by its URL, a remote one by the
    ``uri`` it came with."""
    if not isinstance(uri, str):
        return None
    prefix = f"{base}/users/"
    if uri.startswith(prefix):
        name, _, rest = uri.removeprefix(prefix).partition("/statuses/")
        status_id = parse_id(rest)
        if status_id is None:
            return None  # not an id a status can have (a PostgreSQL BIGINT holds none longer)
        account = await account_queries.local(session, name)
        found = await session.get(Status, status_id)
        ok = found is not None and account is not None and found.account_id == account.id
        return found if ok and found is not None and found.deleted_at is None else None
    return await session.scalar(
        select(Status).where(
            Status.uri == uri, Status.local.is_(False), Status.deleted_at.is_(None)
        )
    )


def visibility(note: dict[str, Any], sender: Account, local_mentions: bool) -> str | None:
    to, cc = listed(note.get("to")), listed(note.get("cc"))
    if AS_PUBLIC in to or "as:Public" in to or "Public" in to:
        return "public"
    if AS_PUBLIC in cc or "as:Public" in cc or "Public" in cc:
        return "unlisted"
    if sender.followers_url and sender.followers_url in to + cc:
        return "private"
    return "direct" if local_mentions else None


async def _mentioned(tx: Tx, note: dict[str, Any]) -> list[Account]:
    """The accounts known here that the Note's ``Mention`` tags name (by actor id)."""
    hrefs = [
        t["href"]
        for t in _items(note, "tag", 100)
        if isinstance(t, dict) and t.get("type") == "Mention" and isinstance(t.get("href"), str)
    ]
    if not hrefs:
        return []
    base = tx.settings.base_url.rstrip("/")
    local = [h.removeprefix(f"{base}/users/") for h in hrefs if h.startswith(f"{base}/users/")]
    found: list[Account] = []
    for name in dict.fromkeys(local):
        account = await account_queries.local(tx.session, name)
        if account is not None:
            found.append(account)
    remote = await tx.session.scalars(select(Account).where(Account.uri.in_(hrefs)))
    return found + [a for a in remote if a.domain is not None]


def _profile(account: Account) -> html.Profile:
    acct = f"{account.username}@{account.domain}" if account.domain else account.username
    return html.Profile(account.id, account.username, acct, account.url or f"/@{account.username}")


def _hashtags(note: dict[str, Any]) -> list[str]:
    names = [
        _text(t.get("name"), 100).lstrip("#")
        for t in _items(note, "tag", 100)
        if isinstance(t, dict) and t.get("type") == "Hashtag"
    ]
    return list(dict.fromkeys(n for n in names if n and html.HASHTAG_RE.fullmatch(f"#{n}")))


def media_of(note: dict[str, Any]) -> list[dict[str, Any]]:
    """Attachments as ``Status.media`` keeps them, pointing at the remote URL."""
    out: list[dict[str, Any]] = []
    for item in _items(note, "attachment", MAX_MEDIA):
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        url = url.get("href") if isinstance(url, dict) else url
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            continue
        kind = MEDIA_TYPES.get(_text(item.get("mediaType"), 100).partition("/")[0], "unknown")
        meta: dict[str, Any] = {}
        focal = item.get("focalPoint")
        if (
            isinstance(focal, list)
            and len(focal) == 2
            and all(isinstance(v, int | float) for v in focal)
        ):
            meta["focus"] = {"x": float(focal[0]), "y": float(focal[1])}
        if isinstance(item.get("width"), int) and isinstance(item.get("height"), int):
            meta["original"] = {"width": item["width"], "height": item["height"]}
        out.append(
            {
                "id": str(new_id()),
                "type": kind,
                "url": url[:2048],
                "preview_url": url[:2048] if kind == "image" else None,
                "remote_url": url[:2048],
                "meta": meta,
                "description": _text(item.get("name"), 1500) or None,
                "blurhash": _text(item.get("blurhash"), 64) or None,
            }
        )
    return out


def _language(note: dict[str, Any]) -> str | None:
    content_map = note.get("contentMap")
    if isinstance(content_map, dict):
        for code in content_map:
            if isinstance(code, str) and is_language(code.split("-")[0]):
                return code.split("-")[0].lower()
    return None


def received_state(note: dict[str, Any]) -> ReceivedEdit:
    summary = _text(note.get("summary"), 1000)
    return ReceivedEdit(
        content=html.sanitize(_text(note.get("content"), MAX_CONTENT)),
        spoiler_text=summary,
        sensitive=note.get("sensitive") is True or bool(summary.strip()),
        language=_language(note),
        media=media_of(note),
    )


async def _parent(
    tx: Tx, sender: Account, note: dict[str, Any], group: Account | None
) -> Status | None:
    """The status answered, when it is here and the sender may see it (in a remote private
    ``group``'s post: when it is a post of that group)."""
    found = await find_status(tx.session, tx.settings.base_url.rstrip("/"), note.get("inReplyTo"))
    if found is None:
        return None
    if group is not None:
        return found if found.group_id == group.id else None
    try:
        return await get_visible(tx, sender.id, found.id)
    except StatusNotFound:
        return None


async def _quoted(
    tx: Tx, sender: Account, note: dict[str, Any]
) -> tuple[Status | None, str | None]:
    """The post here that the Note quotes, if the sender may see it, and the quote's state."""
    base = tx.settings.base_url.rstrip("/")
    found = await find_status(tx.session, base, quotes.quoted_uri(note))
    if found is None:
        return None, None
    try:
        visible = await get_visible(tx, sender.id, found.id)
    except StatusNotFound:
        return None, None
    return visible, await quotes.state_of(tx.session, sender, note, visible)


async def _audience(
    tx: Tx, sender: Account, note: dict[str, Any], parent: Status | None, group: Account | None
) -> tuple[str | None, groups.Placement | None, list[Account]]:
    """A received Note's visibility (None: it is not stored), its group (``groups.place``:
    a group that refuses it stores nothing; ``group``: a remote private group's post, for
    its members) and the accounts it mentions (in a private group, only its members)."""
    mentions = await _mentioned(tx, note)
    if group is not None:
        members_only = groups.Placement(group.id, "private", thread=False, boost=False)
        return "private", members_only, await groups.members_among(tx, group.id, mentions)
    chosen = visibility(note, sender, any(a.domain is None for a in mentions))
    try:
        placement = await groups.place(tx, sender, note, parent, chosen)
    except groups.REFUSALS:
        return None, None, mentions
    if placement is None:
        return chosen, None, mentions
    if placement.visibility == "private":
        mentions = await groups.members_among(tx, placement.group_id, mentions)
    return placement.visibility, placement, mentions


async def receive_note(
    tx: Tx, sender: Account, note: dict[str, Any], *, group: Account | None = None
) -> Status | None:
    """Store a Note its author sent (once per ``id``); None when it is not for us. With
    ``group``: a followed remote private group's post (``group_inbox.members_only``), stored
    for the group's members here alone."""
    uri = note.get("id")
    if not isinstance(uri, str) or len(uri) > MAX_URI or not isinstance(note.get("content"), str):
        return None
    if await tx.session.scalar(select(Status.id).where(Status.uri == uri)) is not None:
        return None  # delivered twice (through two inboxes, or a retry)
    state, parent = received_state(note), await _parent(tx, sender, note, group)
    chosen, placement, mentions = await _audience(tx, sender, note, parent, group)
    if chosen is None:
        return None
    quoted, quote_state = await _quoted(tx, sender, note)
    status_id = new_id()
    status = Status(
        id=status_id,
        account_id=sender.id,
        visibility=chosen,
        content=state.content,
        spoiler_text=state.spoiler_text,
        sensitive=state.sensitive,
        language=state.language,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        thread_id=(parent.thread_id or parent.id) if parent else status_id,
        created_at=now(),
        local=False,
        uri=uri,
        url=note["url"][:2048] if isinstance(note.get("url"), str) else uri,
        media=state.media,
        mentions=[],
        tags=[],
        emojis=emoji.received(note, state.content, state.spoiler_text),
        quote_of_id=quoted.id if quoted else None,
        quote_state=quote_state,
        group_id=placement.group_id if placement else None,
    )
    if not await stored_once(tx, status):
        return None
    accepted = quoted if quote_state == quotes.ACCEPTED else None
    await _complete(tx, sender, note, status, mentions=mentions, parent=parent, quoted=accepted)
    await groups.placed(tx, sender, status, placement)
    return status


async def _complete(
    tx: Tx,
    sender: Account,
    note: dict[str, Any],
    status: Status,
    *,
    mentions: list[Account],
    parent: Status | None,
    quoted: Status | None,
) -> None:
    """A stored Note's poll, mentions and tags, then its events."""
    await questions.attach_received(tx, status, note)
    formatted = html.Formatted(
        html=status.content, mentions=[_profile(a) for a in mentions], tags=_hashtags(note)
    )
    mentioned = await write_mentions(tx, status, formatted, fresh=True)
    await write_tags(tx, status, formatted.tags, fresh=True)
    await publish_received(
        tx, Actor(account_id=sender.id), status, mentioned, parent, quoted=quoted
    )


async def stored_once(tx: Tx, status: Status) -> bool:
    """Insert ``status``; False when a concurrent delivery of the same Note stored it first
    (the unique ``uri`` refuses this copy: only its savepoint is undone)."""
    try:
        async with tx.session.begin_nested():
            tx.session.add(status)
    except IntegrityError:
        return False
    return True


async def receive_edit(tx: Tx, sender: Account, note: dict[str, Any]) -> None:
    """Apply an Update of a Note to the status its author sent before (only theirs)."""
    uri = note.get("id")
    status = await tx.session.scalar(
        select(Status).where(
            Status.uri == uri, Status.account_id == sender.id, Status.deleted_at.is_(None)
        )
    )
    if status is None or not isinstance(note.get("content"), str):
        return
    state = received_state(note)
    status.emojis = emoji.received(note, state.content, state.spoiler_text)
    await edit_received(tx, Actor(account_id=sender.id), status, state)
