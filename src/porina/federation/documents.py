"""ActivityStreams documents for local actors and their public posts (pure functions).

URLs follow Mastodon: the actor is ``{base}/users/{name}``, its key ``…#main-key``, a post
``{base}/users/{name}/statuses/{id}``; the web pages stay at ``/@name`` and
``/@name/{id}``. Brands (``actor_type`` Organization) and bots (Service) keep their type:
Mastodon, GoToSocial, Misskey and Pixelfed all accept any of the five actor types.
"""

from __future__ import annotations

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
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
    },
]
ACTOR_TYPES = frozenset({"Person", "Organization", "Service", "Group", "Application"})


def actor_url(base: str, username: str) -> str:
    return f"{base}/users/{username}"


def status_url(base: str, username: str, status_id: int) -> str:
    return f"{actor_url(base, username)}/statuses/{status_id}"


def actor_document(account: Account, base: str, public_pem: str) -> dict[str, Any]:
    me = actor_url(base, account.username)
    kind = account.actor_type if account.actor_type in ACTOR_TYPES else "Person"
    return {
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


def note_document(status: Status, account: Account, base: str) -> dict[str, Any]:
    """A local public or unlisted post as a Note (the only visibilities served unsigned)."""
    me = actor_url(base, account.username)
    public = status.visibility == "public"
    addressed = [AS_PUBLIC] if public else [f"{me}/followers"]
    cc = [f"{me}/followers"] if public else [AS_PUBLIC]
    return {
        "id": status_url(base, account.username, status.id),
        "type": "Note",
        "attributedTo": me,
        "content": status.content,
        "summary": status.spoiler_text or None,
        "sensitive": status.sensitive,
        "published": iso(status.created_at),
        "updated": iso(status.edited_at) if status.edited_at else None,
        "url": f"{base}/@{account.username}/{status.id}",
        "to": addressed,
        "cc": cc,
        "contentMap": {status.language: status.content} if status.language else None,
        "tag": [
            {"type": "Hashtag", "name": f"#{t}", "href": f"{base}/tags/{t}"} for t in status.tags
        ],
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
