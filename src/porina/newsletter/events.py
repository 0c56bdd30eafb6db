"""The newsletter's events (rank 8: only the newsletter and packages above it subscribe)."""

from __future__ import annotations

from porina.core.events import Event


class NewsletterListChanged(Event, frozen=True, kw_only=True):
    """Staff created, updated or deleted a list; ``change`` is ``create``, ``update`` or
    ``delete``."""

    brand_account_id: int
    list_id: int
    change: str


class NewsletterSubscribed(Event, frozen=True, kw_only=True):
    """An address signed up (new or again); ``mail`` is True when a confirmation is due (a
    double opt-in list, not re-sent within ``RESEND_AFTER``)."""

    list_id: int
    subscriber_id: int
    source: str | None
    mail: bool


class NewsletterConfirmed(Event, frozen=True, kw_only=True):
    """The subscription is confirmed (the confirm page's button, or at once on a single opt-in
    list): the welcome mail, with the list's gift, is due."""

    list_id: int
    subscriber_id: int


class NewsletterUnsubscribed(Event, frozen=True, kw_only=True):
    """``how``: ``one_click`` (RFC 8058 POST), ``page`` (the unsubscribe or preferences page)."""

    list_id: int
    subscriber_id: int
    how: str


class NewsletterErased(Event, frozen=True, kw_only=True):
    """A subscriber erased their data: the row and its consents are gone."""

    list_id: int
    subscriber_id: int


class NewsletterBounced(Event, frozen=True, kw_only=True):
    """A bounce or complaint about a subscriber was recorded (``newsletter.bounces.record``):
    ``kind`` ``hard``, ``soft`` or ``complaint``; ``source`` ``smtp`` (the built-in receiver)
    or ``webhook``; ``campaign_id`` the campaign whose mail it answers, when known; ``first``
    is True for the subscriber's first bounce or complaint about that campaign (the campaign's
    count goes up once per recipient)."""

    list_id: int
    subscriber_id: int
    campaign_id: int | None
    kind: str
    source: str
    first: bool


class NewsletterBlocklisted(Event, frozen=True, kw_only=True):
    """A subscription was blocklisted after bounces or a complaint (``reason``: ``hard``,
    ``complaint`` or ``soft``, the third soft bounce): nothing more is sent to it, and
    signing up again does not lift it."""

    list_id: int
    subscriber_id: int
    reason: str


class NewsletterLinkClicked(Event, frozen=True, kw_only=True):
    """Someone followed a tracked link of a campaign (``newsletter.clicks.count``): only the
    campaign and the link, nothing about who."""

    campaign_id: int
    url_hash: str
