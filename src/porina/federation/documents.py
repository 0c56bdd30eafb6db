"""ActivityStreams documents for local actors and their public posts (pure functions).

URLs follow Mastodon: the actor is ``{base}/users/{name}``, its key ``…#main-key``, a post
``{base}/users/{name}/statuses/{id}``; the web pages stay at ``/@name`` and
``/@name/{id}``. Brands (``actor_type`` Organization) and bots (Service) keep their type:
Mastodon, GoToSocial, Misskey and Pixelfed all accept any of the five actor types.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from typing import Any

from porina.accounts.models import Account
from porina.core.clock import iso
from porina.posts.models import Status

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "blurhash": "toot:blurhash",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "votersCount": "toot:votersCount",
        "lemmy": "https://join-lemmy.org/ns#",
        "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
    },
]
ACTOR_TYPES = frozenset({"Person", "Organization", "Service", "Group", "Application"})


def actor_url(base: str, username: str) -> str:
    return f"{base}/users/{username}"


def status_url(base: str, username: str, status_id: int) -> str:
    return f"{actor_url(base, username)}/statuses/{status_id}"


def actor_document(
    account: Account,
    base: str,
    public_pem: str,
    *,
    moved_to: str | None = None,
    also_known_as: Sequence[str] = (),
) -> dict[str, Any]:
    """The actor; ``moved_to``: the id of the account it moved to (``movedTo``);
    ``also_known_as``: its aliases' ids (``alsoKnownAs``). A group's (``Group``) also says
    that members post (``postingRestrictedToMods`` false, FEP-1b12); a private group's is
    locked: ``manuallyApprovesFollowers``."""
    me = actor_url(base, account.username)
    kind = account.actor_type if account.actor_type in ACTOR_TYPES else "Person"
    moved: dict[str, Any] = {"movedTo": moved_to} if moved_to else {}
    if kind == "Group":  # FEP-1b12: any member may post (the group announces it)
        moved["postingRestrictedToMods"] = False
    if also_known_as:
        moved["alsoKnownAs"] = list(also_known_as)
    return {
        **moved,
        "@context": CONTEXT,
        "id": me,
        "type": kind,
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": account.note,
        "url": f"{base}/@{account.username}",
        "manuallyApprovesFollowers": account.locked,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "published": iso(account.created_at),
        "inbox": f"{me}/inbox",
        "outbox": f"{me}/outbox",
        "followers": f"{me}/followers",
        "following": f"{me}/following",
        "featured": f"{me}/collections/featured",
        "endpoints": {"sharedInbox": f"{base}/inbox"},
        "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": public_pem},
        "attachment": [
            {"type": "PropertyValue", "name": f.get("name", ""), "value": f.get("value", "")}
            for f in account.fields
        ],
    }


def absolute(base: str, html: str) -> str:
    """A local status's stored HTML links this server by path (``/tags/x``, ``/@name``);
    peers get absolute links (as the API renderer gives clients)."""
    return html.replace('href="/', f'href="{base}/')


def addressing(
    visibility: str, followers: str, mentioned: Sequence[str]
) -> tuple[list[str], list[str]]:
    """``(to, cc)`` as Mastodon addresses a status: public to everyone (followers and the
    mentioned in cc), unlisted to the followers (public in cc), followers-only to the
    followers (the mentioned in cc), direct to the mentioned alone."""
    people = list(dict.fromkeys(mentioned))
    if visibility == "public":
        return [AS_PUBLIC], [followers, *people]
    if visibility == "unlisted":
        return [followers], [AS_PUBLIC, *people]
    if visibility == "private":
        return [followers], people
    return people, []


def _attachment(base: str, media: dict[str, Any]) -> dict[str, Any]:
    url = str(media.get("remote_url") or media.get("url") or "")
    if url and not url.startswith(("http://", "https://")):
        url = f"{base}/media/{url}"
    kind = str(media.get("type") or "image")
    meta = media.get("meta") if isinstance(media.get("meta"), dict) else {}
    guessed = mimetypes.guess_type(url)[0]
    out: dict[str, Any] = {
        "type": "Document",
        "mediaType": guessed or f"{'image' if kind in ('image', 'gifv') else kind}/*",
        "url": url,
        "name": media.get("description") or None,
        "blurhash": media.get("blurhash") or None,
    }
    focus = meta.get("focus") if isinstance(meta, dict) else None
    if isinstance(focus, dict):
        out["focalPoint"] = [focus.get("x", 0.0), focus.get("y", 0.0)]
    original = meta.get("original") if isinstance(meta, dict) else None
    if isinstance(original, dict):
        out.update({k: original[k] for k in ("width", "height") if k in original})
    return out


def note_document(
    status: Status,
    account: Account,
    base: str,
    *,
    mentioned: Sequence[tuple[str, str]] = (),
    in_reply_to: str | None = None,
) -> dict[str, Any]:
    """A local post as a Note. ``mentioned`` are ``(actor id, @acct)`` of the accounts it
    mentions; ``in_reply_to`` the id of the post it answers."""
    me = actor_url(base, account.username)
    to, cc = addressing(status.visibility, f"{me}/followers", [uri for uri, _ in mentioned])
    content = absolute(base, status.content)
    tags: list[dict[str, Any]] = [
        {"type": "Mention", "href": uri, "name": acct} for uri, acct in mentioned
    ]
    tags += [{"type": "Hashtag", "name": f"#{t}", "href": f"{base}/tags/{t}"} for t in status.tags]
    return {
        "id": status_url(base, account.username, status.id),
        "type": "Note",
        "attributedTo": me,
        "inReplyTo": in_reply_to,
        "content": content,
        "summary": status.spoiler_text or None,
        "sensitive": status.sensitive,
        "published": iso(status.created_at),
        "updated": iso(status.edited_at) if status.edited_at else None,
        "url": f"{base}/@{account.username}/{status.id}",
        "to": to,
        "cc": cc,
        "contentMap": {status.language: content} if status.language else None,
        "tag": tags,
        "attachment": [_attachment(base, m) for m in status.media or []],
    }


def create_activity(note: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": note["attributedTo"],
        "published": note["published"],
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def update_activity(note: dict[str, Any]) -> dict[str, Any]:
    """An edit: the Note's new state (its ``updated`` tells peers which version is newer)."""
    stamp = note.get("updated") or note["published"]
    return {**create_activity(note), "id": f"{note['id']}#updates/{stamp}", "type": "Update"}


def delete_activity(note: dict[str, Any]) -> dict[str, Any]:
    """A deleted post, as a Tombstone, to where the post went."""
    return {
        "@context": CONTEXT,
        "id": f"{note['id']}#delete",
        "type": "Delete",
        "actor": note["attributedTo"],
        "to": note["to"],
        "cc": note["cc"],
        "object": {"id": note["id"], "type": "Tombstone", "atomUri": note["id"]},
    }


POST_ACTIVITIES = {"Create": create_activity, "Update": update_activity, "Delete": delete_activity}
"""The activity that carries a post's creation, edit or deletion, by its ``type``."""


def undo_activity(actor: str, activity: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"{activity['id']}/undo",
        "type": "Undo",
        "actor": actor,
        "to": activity.get("to", []),
        "cc": activity.get("cc", []),
        "object": activity,
    }


def collection(url: str, total: int, items: list[Any] | None) -> dict[str, Any]:
    """An OrderedCollection; ``items`` None gives the count alone (hidden collections)."""
    body: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": url,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if items is not None:
        body["orderedItems"] = items
    return body
