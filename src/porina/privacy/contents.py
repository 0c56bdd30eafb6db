"""What a person's archive holds, read for its owner only, in Mastodon's export layout where
Mastodon has one:

- ``actor.json``: their profile as an ActivityPub actor;
- ``outbox.json``: every status they wrote and have not deleted (public to direct, boosts as
  ``Announce``), as ActivityStreams ``Create`` activities;
- ``direct_messages.json`` (Porina's own): the direct statuses of the conversations they took
  part in, only those they may see (their own and those that mention them), grouped by
  conversation;
- ``likes.json``, ``bookmarks.json``: the statuses they liked and bookmarked that they may
  still see, by URI;
- ``following_accounts.csv``, ``followers.csv``, ``lists.csv``, ``blocked_accounts.csv``,
  ``muted_accounts.csv``: as Mastodon's CSV exports;
- ``anonymous_posts.json`` (Porina's own): the posts they made anonymously, each with its
  pseudonym, the thread it answered, the group or brand it went to, its text and time, and
  those still held in a brand's queue. Only their own archive has it: the link from a
  pseudonym to its person is read from ``anonymity`` for its owner alone, and no other file
  of any archive (a brand's, a group's, another person's) names it;
- ``media_attachments/...``: the files they uploaded (listed in ``media`` for the job to copy).

Every status read passes ``posts.visibility.visible_clause`` for the owner, so another
person's private post or a DM they were not part of can never be in it (an anonymous post's
thread and parent are named only when the owner may still see them).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Block, Follow, Mute
from porina.anonymity import queries as anonymity
from porina.core.clock import now
from porina.interactions.models import Bookmark, Favourite
from porina.lists.models import List, ListAccount
from porina.posts.models import MediaAttachment, Mention, Status
from porina.posts.visibility import visible_clause
from porina.settings import Settings

PUBLIC_COLLECTION = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = "https://www.w3.org/ns/activitystreams"


@dataclass
class Contents:
    files: dict[str, bytes] = field(default_factory=dict)
    """Archive member name → bytes, for everything but media."""
    media: list[tuple[str, str]] = field(default_factory=list)
    """(name in the archive, path under the media folder) of each file to copy."""


class _Names:
    """Account ids → addresses and URIs, read once per archive."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings.base_url.rstrip("/")
        self.domain = settings.local_domain
        self.accounts: dict[int, Account] = {}

    async def load(self, session: AsyncSession, ids: set[int]) -> None:
        wanted = ids - set(self.accounts)
        if wanted:
            rows = await session.scalars(select(Account).where(Account.id.in_(wanted)))
            self.accounts.update({a.id: a for a in rows})

    def acct(self, account_id: int) -> str:
        a = self.accounts.get(account_id)
        if a is None:
            return ""
        return f"{a.username}@{a.domain or self.domain}"

    def uri(self, account_id: int) -> str:
        a = self.accounts.get(account_id)
        if a is None:
            return ""
        return a.uri or f"{self.base}/users/{a.username}"

    def status_uri(self, status: Status) -> str:
        return status.uri or f"{self.uri(status.account_id)}/statuses/{status.id}"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def _csv(header: list[str] | None, rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _collection(items: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
        **extra,
    }


async def build(session: AsyncSession, settings: Settings, owner_id: int) -> Contents:
    names = _Names(settings)
    await names.load(session, {owner_id})
    contents = Contents()
    owner = names.accounts[owner_id]
    contents.files["actor.json"] = _json(_actor(names, owner))
    contents.media += [
        (_image_member(kind, path), path)
        for kind, path in (("avatar", owner.avatar_path), ("header", owner.header_path))
        if path
    ]
    outbox, media = await _outbox(session, names, owner_id)
    contents.files["outbox.json"] = _json(_collection(outbox, id="outbox.json"))
    contents.media += media
    contents.files["direct_messages.json"] = _json(await _direct(session, names, owner_id))
    for name, model in (("likes.json", Favourite), ("bookmarks.json", Bookmark)):
        contents.files[name] = _json(await _marked(session, names, owner_id, model, name))
    contents.files.update(await _graph(session, names, owner_id))
    contents.files["anonymous_posts.json"] = _json(await _anonymous(session, names, owner_id))
    return contents


def _actor(names: _Names, owner: Account) -> dict[str, Any]:
    actor: dict[str, Any] = {
        "@context": CONTEXT,
        "id": names.uri(owner.id),
        "type": owner.actor_type,
        "preferredUsername": owner.username,
        "name": owner.display_name,
        "summary": owner.note,
        "url": f"{names.base}/@{owner.username}",
        "manuallyApprovesFollowers": owner.locked,
        "discoverable": owner.discoverable,
        "published": owner.created_at.isoformat(),
        "attachment": [
            {"type": "PropertyValue", "name": f.get("name", ""), "value": f.get("value", "")}
            for f in owner.fields or []
        ],
    }
    if owner.avatar_path:
        actor["icon"] = {"type": "Image", "url": _image_member("avatar", owner.avatar_path)}
    if owner.header_path:
        actor["image"] = {"type": "Image", "url": _image_member("header", owner.header_path)}
    return actor


def _audience(names: _Names, status: Status, mentioned: list[int]) -> tuple[list[str], list[str]]:
    followers = f"{names.uri(status.account_id)}/followers"
    people = [names.uri(m) for m in mentioned]
    if status.visibility == "public":
        return [PUBLIC_COLLECTION], [followers, *people]
    if status.visibility == "unlisted":
        return [followers], [PUBLIC_COLLECTION, *people]
    if status.visibility == "private":
        return [followers], people
    return people, []


def _note(
    names: _Names, status: Status, mentioned: list[int], media: list[MediaAttachment]
) -> dict[str, Any]:
    to, cc = _audience(names, status, mentioned)
    note: dict[str, Any] = {
        "id": names.status_uri(status),
        "type": "Note",
        "attributedTo": names.uri(status.account_id),
        "published": status.created_at.isoformat(),
        "to": to,
        "cc": cc,
        "sensitive": status.sensitive,
        "summary": status.spoiler_text or None,
        "content": status.content,
        "inReplyTo": None,
        "attachment": [
            {
                "type": "Document",
                "mediaType": m.mime_type,
                "url": _member(m.file_path or ""),
                "name": m.description,
                "blurhash": m.blurhash,
            }
            for m in media
            if m.file_path
        ],
        "tag": [{"type": "Mention", "href": names.uri(m)} for m in mentioned]
        + [{"type": "Hashtag", "name": f"#{t}"} for t in status.tags or []],
    }
    if status.language:
        note["contentMap"] = {status.language: status.content}
    if status.edited_at is not None:
        note["updated"] = status.edited_at.isoformat()
    return note


def _image_member(kind: str, path: str) -> str:
    """The profile picture's or header's name in the archive (``avatar.png``), as Mastodon's."""
    suffix = PurePosixPath(path).suffix.lower()
    return f"{kind}{suffix}"


def _member(file_path: str) -> str:
    """A media file's name in the archive: under ``media_attachments/`` as Mastodon's."""
    rel = file_path.lstrip("/")
    return rel if rel.startswith("media_attachments/") else f"media_attachments/{rel}"


async def _mentions(session: AsyncSession, ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for start in range(0, len(ids), 500):
        rows = await session.execute(
            select(Mention.status_id, Mention.account_id).where(
                Mention.status_id.in_(ids[start : start + 500])
            )
        )
        for status_id, account_id in rows:
            found.setdefault(status_id, []).append(account_id)
    return found


async def _outbox(
    session: AsyncSession, names: _Names, owner_id: int
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    statuses = list(
        await session.scalars(
            select(Status)
            .where(Status.account_id == owner_id, visible_clause(Status, owner_id))
            .order_by(Status.id)
        )
    )
    ids = [s.id for s in statuses]
    mentions = await _mentions(session, ids)
    attachments = await _attachments(session, owner_id, set(ids))
    media = [
        (_member(m.file_path), m.file_path)
        for ms in attachments.values()
        for m in ms
        if m.file_path
    ]
    originals = {s.reblog_of_id for s in statuses if s.reblog_of_id is not None}
    shown = await _visible_uris(session, names, owner_id, originals)
    await names.load(session, {a for ms in mentions.values() for a in ms})
    items: list[dict[str, Any]] = []
    for s in statuses:
        actor = names.uri(owner_id)
        if s.reblog_of_id is not None:
            if s.reblog_of_id in shown:
                items.append(
                    {
                        "id": f"{names.status_uri(s)}/activity",
                        "type": "Announce",
                        "actor": actor,
                        "published": s.created_at.isoformat(),
                        "object": shown[s.reblog_of_id],
                    }
                )
            continue
        note = _note(names, s, mentions.get(s.id, []), attachments.get(s.id, []))
        items.append(
            {
                "id": f"{names.status_uri(s)}/activity",
                "type": "Create",
                "actor": actor,
                "published": note["published"],
                "to": note["to"],
                "cc": note["cc"],
                "object": note,
            }
        )
    return items, media


async def _attachments(
    session: AsyncSession, owner_id: int, status_ids: set[int]
) -> dict[int, list[MediaAttachment]]:
    """The owner's media attached to the statuses ``status_ids``, by status."""
    found: dict[int, list[MediaAttachment]] = {}
    for m in await session.scalars(
        select(MediaAttachment)
        .where(MediaAttachment.account_id == owner_id, MediaAttachment.status_id.is_not(None))
        .order_by(MediaAttachment.id)
    ):
        if m.status_id in status_ids:
            found.setdefault(m.status_id, []).append(m)
    return found


async def _visible_uris(
    session: AsyncSession, names: _Names, owner_id: int, ids: set[int]
) -> dict[int, str]:
    """The URIs of the statuses among ``ids`` that the owner may see."""
    if not ids:
        return {}
    rows = list(
        await session.scalars(
            select(Status).where(Status.id.in_(ids), visible_clause(Status, owner_id))
        )
    )
    await names.load(session, {s.account_id for s in rows})
    return {s.id: names.status_uri(s) for s in rows}


async def _direct(session: AsyncSession, names: _Names, owner_id: int) -> dict[str, Any]:
    """Direct statuses the owner may see (theirs, and those that mention them) by
    conversation, oldest first."""
    statuses = list(
        await session.scalars(
            select(Status)
            .where(
                Status.visibility == "direct",
                Status.reblog_of_id.is_(None),
                visible_clause(Status, owner_id),
            )
            .order_by(Status.id)
        )
    )
    mentions = await _mentions(session, [s.id for s in statuses])
    await names.load(
        session,
        {s.account_id for s in statuses} | {a for ms in mentions.values() for a in ms},
    )
    conversations: dict[int, list[dict[str, Any]]] = {}
    for s in statuses:
        note = _note(names, s, mentions.get(s.id, []), [])
        conversations.setdefault(s.thread_id or s.id, []).append(note)
    return _collection(
        [
            {"type": "OrderedCollection", "id": str(key), "orderedItems": notes}
            for key, notes in conversations.items()
        ],
        id="direct_messages.json",
    )


async def _marked(
    session: AsyncSession,
    names: _Names,
    owner_id: int,
    model: type[Favourite] | type[Bookmark],
    name: str,
) -> dict[str, Any]:
    ids = set(
        await session.scalars(
            select(model.status_id).where(model.account_id == owner_id).order_by(model.id)
        )
    )
    shown = await _visible_uris(session, names, owner_id, ids)
    return _collection([shown[i] for i in sorted(shown)], id=name)


async def _pairs(session: AsyncSession, statement: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await session.execute(statement)]


async def _graph(session: AsyncSession, names: _Names, owner_id: int) -> dict[str, bytes]:
    following = await _pairs(
        session,
        select(Follow.target_account_id, Follow.show_reblogs, Follow.notify, Follow.languages)
        .where(Follow.account_id == owner_id)
        .order_by(Follow.id),
    )
    followers = await _pairs(
        session,
        select(Follow.account_id).where(Follow.target_account_id == owner_id).order_by(Follow.id),
    )
    lists = await _pairs(
        session,
        select(List.title, ListAccount.account_id)
        .join(ListAccount, ListAccount.list_id == List.id)
        .where(List.account_id == owner_id)
        .order_by(List.id, ListAccount.account_id),
    )
    blocked = await _pairs(
        session,
        select(Block.target_account_id).where(Block.account_id == owner_id).order_by(Block.id),
    )
    muted = await _pairs(
        session,
        select(Mute.target_account_id, Mute.hide_notifications)
        .where(
            Mute.account_id == owner_id,
            (Mute.expires_at.is_(None)) | (Mute.expires_at > now()),
        )
        .order_by(Mute.id),
    )
    everyone = [following, followers, blocked, muted]
    await names.load(session, {r[0] for rows in everyone for r in rows} | {r[1] for r in lists})
    acct, yes_no = names.acct, {True: "true", False: "false"}
    return {
        "following_accounts.csv": _csv(
            ["Account address", "Show boosts", "Notify on new posts", "Languages"],
            [
                [acct(t), yes_no[bool(b)], yes_no[bool(n)], ", ".join(langs or [])]
                for t, b, n, langs in following
            ],
        ),
        "followers.csv": _csv(["Account address"], [[acct(f[0])] for f in followers]),
        "lists.csv": _csv(None, [[title, acct(a)] for title, a in lists]),
        "blocked_accounts.csv": _csv(None, [[acct(b[0])] for b in blocked]),
        "muted_accounts.csv": _csv(
            ["Account address", "Hide notifications"],
            [[acct(m), yes_no[bool(h)]] for m, h in muted],
        ),
    }


async def _anonymous(session: AsyncSession, names: _Names, owner_id: int) -> dict[str, Any]:
    """The owner's anonymous posts, oldest first, then those held for a brand's staff."""
    posts = await anonymity.own_posts(session, owner_id)
    held = await anonymity.pending_of(session, owner_id, limit=MAX_HELD)
    for post in posts:
        names.accounts.update(
            {a.id: a for a in (post.pseudonym, post.group, post.brand) if a is not None}
        )
    await names.load(session, {h.brand_id for h in held if h.brand_id is not None})
    refs = {p.status.thread_id or p.status.id for p in posts}
    refs |= {p.status.in_reply_to_id for p in posts if p.status.in_reply_to_id is not None}
    refs |= {h.in_reply_to_id for h in held if h.in_reply_to_id is not None}
    shown = await _visible_uris(session, names, owner_id, refs)
    items = [_anonymous_post(names, post, shown) for post in posts]
    pending = [
        {
            "type": "Note",
            "state": "pending",
            "published": h.created_at.isoformat(),
            "inReplyTo": shown.get(h.in_reply_to_id) if h.in_reply_to_id else None,
            "brand": _named(names, h.brand_id),
            "summary": h.spoiler_text or None,
            "source": {"content": h.text, "mediaType": "text/plain"},
        }
        for h in reversed(held)
    ]
    return _collection(items, id="anonymous_posts.json", pending=pending)


MAX_HELD = 1000
"""Held anonymous posts listed at most (a brand's queue keeps a handful)."""


def _anonymous_post(
    names: _Names, post: anonymity.OwnPost, shown: dict[int, str]
) -> dict[str, Any]:
    s = post.status
    return {
        "id": names.status_uri(s),
        "type": "Note",
        "published": s.created_at.isoformat(),
        "pseudonym": {
            "id": names.uri(post.pseudonym.id),
            "preferredUsername": post.pseudonym.username,
            "name": post.pseudonym.display_name,
        },
        "context": shown.get(s.thread_id or s.id),
        "inReplyTo": shown.get(s.in_reply_to_id) if s.in_reply_to_id else None,
        "group": _named(names, post.group.id if post.group else None),
        "brand": _named(names, post.brand.id if post.brand else None),
        "visibility": s.visibility,
        "summary": s.spoiler_text or None,
        "content": s.content,
        "source": {"content": s.text, "mediaType": "text/plain"},
    }


def _named(names: _Names, account_id: int | None) -> dict[str, str] | None:
    """A group or a brand as the archive names it: its URI, address and display name."""
    if account_id is None or account_id not in names.accounts:
        return None
    account = names.accounts[account_id]
    return {
        "id": names.uri(account_id),
        "acct": names.acct(account_id),
        "name": account.display_name,
    }
