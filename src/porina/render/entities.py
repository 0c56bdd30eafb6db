"""Mastodon API entities as msgspec Structs: the typed contract of what Porina serves.

Field order and names follow docs.joinmastodon.org; contract tests validate the encoded JSON
against ``tests/reference/mastodon-openapi.json``.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Entity(msgspec.Struct, kw_only=True):
    pass


class CustomEmoji(Entity):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool = True
    category: str | None = None


class Field(Entity):
    name: str
    value: str
    verified_at: str | None = None


class Account(Entity):
    id: str
    username: str
    acct: str
    url: str
    uri: str
    display_name: str
    note: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    locked: bool
    fields: list[Field]
    emojis: list[CustomEmoji]
    bot: bool
    group: bool
    discoverable: bool | None
    indexable: bool
    hide_collections: bool | None
    noindex: bool | None
    created_at: str
    last_status_at: str | None
    statuses_count: int
    followers_count: int
    following_count: int
    roles: list[dict[str, Any]] = msgspec.field(default_factory=list)
    memorial: bool | None = None
    suspended: bool | None = None
    limited: bool | None = None
    moved: Account | None = None
    source: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    role: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class MediaAttachment(Entity):
    id: str
    type: str
    url: str | None
    preview_url: str | None
    remote_url: str | None
    meta: dict[str, Any] | None
    description: str | None
    blurhash: str | None
    text_url: str | None = None


class Mention(Entity):
    id: str
    username: str
    url: str
    acct: str


class StatusTag(Entity):
    name: str
    url: str


class PollOption(Entity):
    title: str
    votes_count: int | None


class Poll(Entity):
    id: str
    expires_at: str | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOption]
    emojis: list[CustomEmoji]
    voted: bool | msgspec.UnsetType = msgspec.UNSET
    own_votes: list[int] | msgspec.UnsetType = msgspec.UNSET


class Application(Entity):
    name: str
    website: str | None = None


class FilterKeyword(Entity):
    id: str
    keyword: str
    whole_word: bool


class FilterStatus(Entity):
    id: str
    status_id: str


class Filter(Entity):
    id: str
    title: str
    context: list[str]
    expires_at: str | None
    filter_action: str
    keywords: list[FilterKeyword]
    statuses: list[FilterStatus]


class FilterResult(Entity):
    filter: Filter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


class Quote(Entity):
    """Mastodon's Quote: the post a status quotes, when ``state`` is accepted and the reader
    may see it (``render/quotes.py``), else ``quoted_status`` null. The quote of a quoted post
    is Mastodon's ShallowQuote (quotes do not nest further): ``quoted_status_id`` instead of
    ``quoted_status``. One struct for both, the absent field left out (``UNSET``), because a
    union of two untagged structs cannot be described (the served OpenAPI) or decoded."""

    state: str
    quoted_status: Status | msgspec.UnsetType | None = msgspec.UNSET
    quoted_status_id: str | msgspec.UnsetType | None = msgspec.UNSET


ShallowQuote = Quote


class QuoteApproval(Entity):
    automatic: list[str]
    manual: list[str]
    current_user: str


class Status(Entity):
    id: str
    uri: str
    created_at: str
    account: Account
    content: str
    visibility: str
    sensitive: bool
    spoiler_text: str
    media_attachments: list[MediaAttachment]
    application: Application | None
    mentions: list[Mention]
    tags: list[StatusTag]
    emojis: list[CustomEmoji]
    reblogs_count: int
    favourites_count: int
    replies_count: int
    quotes_count: int
    url: str | None
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: Status | None
    poll: Poll | None
    card: dict[str, Any] | None
    language: str | None
    text: str | None
    edited_at: str | None
    quote: Quote | None = None
    quote_approval: QuoteApproval | msgspec.UnsetType | None = None
    favourited: bool | msgspec.UnsetType = msgspec.UNSET
    reblogged: bool | msgspec.UnsetType = msgspec.UNSET
    muted: bool | msgspec.UnsetType = msgspec.UNSET
    bookmarked: bool | msgspec.UnsetType = msgspec.UNSET
    pinned: bool | msgspec.UnsetType = msgspec.UNSET
    filtered: list[FilterResult] | msgspec.UnsetType = msgspec.UNSET


class Context(Entity):
    ancestors: list[Status]
    descendants: list[Status]


class StatusSource(Entity):
    id: str
    text: str
    spoiler_text: str


class StatusEditPollOption(Entity):
    title: str


class StatusEditPoll(Entity):
    options: list[StatusEditPollOption]


class StatusEdit(Entity):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: Account
    poll: StatusEditPoll | None
    media_attachments: list[MediaAttachment]
    emojis: list[CustomEmoji]


class ScheduledStatus(Entity):
    id: str
    scheduled_at: str
    params: dict[str, Any]
    media_attachments: list[MediaAttachment]


class Relationship(Entity):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    muting_expires_at: str | None
    requested: bool
    requested_by: bool
    domain_blocking: bool
    endorsed: bool
    note: str


class CredentialApplication(Entity):
    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uri: str
    redirect_uris: list[str]
    vapid_key: str = ""
    client_id: str | msgspec.UnsetType = msgspec.UNSET
    client_secret: str | msgspec.UnsetType = msgspec.UNSET
    client_secret_expires_at: int | msgspec.UnsetType = msgspec.UNSET


class Token(Entity):
    access_token: str
    token_type: str
    scope: str
    created_at: int


class FamiliarFollowers(Entity):
    id: str
    accounts: list[Account]


class Tag(Entity):
    name: str
    url: str
    history: list[dict[str, str]]
    following: bool | msgspec.UnsetType = msgspec.UNSET
    featuring: bool | msgspec.UnsetType = msgspec.UNSET
    id: str | msgspec.UnsetType = msgspec.UNSET


class Notification(Entity):
    id: str
    type: str
    group_key: str
    created_at: str
    account: Account
    status: Status | None = None
    report: dict[str, Any] | None = None
    filtered: bool | msgspec.UnsetType = msgspec.UNSET
    """True on a notification a policy filtered (listed with ``include_filtered``), as
    Mastodon; absent otherwise."""


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)
