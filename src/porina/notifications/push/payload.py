"""What a push message says: Mastodon's ``Web::NotificationSerializer`` (``access_token``,
``preferred_locale``, ``notification_id``, ``notification_type``, ``icon``, ``title``,
``body``), in the subscriber's language (English or Finnish).

The titles are Mastodon's ``notification_mailer.<type>.subject`` texts; the Finnish ones use
the words of Porina's own pages. The body is the status's content warning or text (or the
sender's bio), tags stripped, entities decoded, at most 140 characters.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from porina.accounts import avatars
from porina.accounts.models import Account
from porina.posts.models import Status

TITLES: dict[str, dict[str, str]] = {
    "en": {
        "mention": "You were mentioned by {name}",
        "status": "{name} just posted",
        "reblog": "{name} boosted your post",
        "follow": "{name} is now following you",
        "follow_request": "Pending follower: {name}",
        "favourite": "{name} favorited your post",
        "poll": "A poll by {name} has ended",
        "update": "{name} edited a post",
        "quote": "{name} quoted your post",
        "quoted_update": "{name} edited a post you have quoted",
        "admin.sign_up": "{name} signed up",
        "admin.report": "{name} submitted a report",
    },
    "fi": {
        "mention": "{name} mainitsi sinut",
        "status": "{name} julkaisi juuri",
        "reblog": "{name} tehosti julkaisuasi",
        "follow": "{name} seuraa nyt sinua",
        "follow_request": "Odottava seuraaja: {name}",
        "favourite": "{name} tykkäsi julkaisustasi",
        "poll": "Käyttäjän {name} äänestys on päättynyt",
        "update": "{name} muokkasi julkaisua",
        "quote": "{name} lainasi julkaisuasi",
        "quoted_update": "{name} muokkasi lainaamaasi julkaisua",
        "admin.sign_up": "{name} rekisteröityi",
        "admin.report": "{name} lähetti raportin",
    },
}
BODY_LENGTH = 140
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)


def language(locale: str | None) -> str:
    """``fi`` for a Finnish locale (``fi``, ``fi-FI``), else English."""
    return "fi" if (locale or "").lower().split("-")[0].split("_")[0] == "fi" else "en"


def title(kind: str, sender: Account, locale: str | None) -> str:
    name = sender.display_name.strip() or sender.username
    texts = TITLES[language(locale)]
    return texts.get(kind, TITLES["en"].get(kind, "{name}")).format(name=name)


def plain(markup: str) -> str:
    """Text of stored HTML: line breaks kept as newlines, tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", markup))).strip()


def truncate(text: str, length: int = BODY_LENGTH) -> str:
    """Rails' ``truncate``: at most ``length`` characters, ending with "..." when cut."""
    if len(text) <= length:
        return text
    return text[: length - 3] + "..."


def body(status: Status | None, sender: Account) -> str:
    if status is not None:
        raw = status.spoiler_text.strip() or status.text or plain(status.content)
    else:
        raw = plain(sender.note)
    return truncate(plain(raw) if "<" in raw else raw)


def icon(sender: Account, base_url: str) -> str:
    """The sender's avatar, as the API shows it (``avatar_static``)."""
    base = base_url.rstrip("/")
    if sender.avatar_remote_url:
        return sender.avatar_remote_url
    if sender.avatar_path:
        return f"{base}/media/{sender.avatar_path}"
    return base + avatars.path_for(sender.id, sender.display_name or "", sender.username)


def acct(account: Account) -> str:
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


def page_path(kind: str, sender: Account, status: Status | None, author: Account | None) -> str:
    """The web page a notification opens: its post, else the sender's profile (a follow, a
    sign-up), the follow requests (a request), or the notifications."""
    if status is not None:
        handle = acct(author) if author is not None else acct(sender)
        return f"/@{quote(handle, safe='@.')}/{status.id}"
    if kind == "follow_request":
        return "/follow_requests"
    if kind in ("follow", "admin.sign_up"):
        return f"/@{quote(acct(sender), safe='@.')}"
    return "/notifications"


def message(
    *,
    access_token: str,
    locale: str | None,
    notification_id: int,
    kind: str,
    sender: Account,
    status: Status | None,
    base_url: str,
) -> dict[str, Any]:
    """The JSON object a push message carries, in Mastodon's field order."""
    return {
        "access_token": access_token,
        "preferred_locale": locale or "en",
        "notification_id": notification_id,
        "notification_type": kind,
        "icon": icon(sender, base_url),
        "title": title(kind, sender, locale),
        "body": body(status, sender),
    }
