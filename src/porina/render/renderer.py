"""Domain rows -> Mastodon entities. Pure functions of the rows and the viewer's state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import avatars
from porina.accounts.models import Account, OAuthApp
from porina.core.clock import iso, iso_date, now
from porina.federation import media_proxy
from porina.interactions.filters import ActiveFilter, matches
from porina.interactions.viewer import ViewerState, viewer_state
from porina.posts import quote_policy
from porina.posts.models import Poll, Status
from porina.posts.queries import Bundle, StatusRow, bundles_by_id
from porina.render import entities as e
from porina.render import quotes
from porina.settings import Settings

MISSING_HEADER = "/static/header-missing.png"


class Renderer:
    def __init__(self, settings: Settings) -> None:
        self.base = settings.base_url.rstrip("/")
        self.settings = settings
        self.domain = settings.local_domain
        self._page_accounts: dict[int, e.Account] | None = None

    def content(self, html: str, account: Account) -> str:
        """A local status's stored HTML links this server by path (``/tags/x``, ``/@name``),
        so a new base URL never leaves stale links; they leave here with the base prepended."""
        if account.domain is not None or 'href="/' not in html:
            return html
        return html.replace('href="/', f'href="{self.base}/')

    def link(self, url: str) -> str:
        """A stored path on this server as an absolute URL; other URLs as they are."""
        return self.base + url if url.startswith("/") else url

    def mention(self, stored: dict[str, str]) -> e.Mention:
        return e.Mention(**{**stored, "url": self.link(stored["url"])})

    def media_url(self, path: str | None, fallback: str) -> str:
        if path is None:
            return self.base + fallback
        return f"{self.base}/media/{path}"

    def acct(self, account: Account) -> str:
        return (
            account.username if account.domain is None else f"{account.username}@{account.domain}"
        )

    def profile_url(self, account: Account) -> str:
        return account.url or f"{self.base}/@{account.username}"

    def account(self, account: Account) -> e.Account:
        created = account.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
        avatar = self.proxied(account.avatar_remote_url) or self.media_url(
            account.avatar_path,
            avatars.path_for(account.id, account.display_name, account.username),
        )
        header = self.proxied(account.header_remote_url) or self.media_url(
            account.header_path, MISSING_HEADER
        )
        return e.Account(
            id=str(account.id),
            username=account.username,
            acct=self.acct(account),
            url=self.profile_url(account),
            uri=account.uri or f"{self.base}/users/{account.username}",
            display_name=account.display_name,
            note=account.note,
            avatar=avatar,
            avatar_static=avatar,
            header=header,
            header_static=header,
            locked=account.locked,
            fields=[
                e.Field(
                    name=f.get("name", ""),
                    value=f.get("value", ""),
                    verified_at=f.get("verified_at"),
                )
                for f in account.fields or []
            ],
            emojis=self.emojis(account.emojis),
            bot=account.actor_type in {"Service", "Application"},
            group=account.actor_type == "Group",
            discoverable=account.discoverable,
            indexable=account.indexable,
            hide_collections=account.hide_collections,
            noindex=not account.indexable,
            created_at=iso(created) or "",
            last_status_at=iso_date(account.last_status_at),
            statuses_count=account.statuses_count,
            followers_count=account.followers_count,
            following_count=account.following_count,
            memorial=account.memorial or None,
            suspended=True if account.suspended_at is not None else None,
        )

    def poll(self, poll: Poll, state: ViewerState | None, viewer_id: int | None) -> e.Poll:
        own = state.votes.get(poll.id, []) if state is not None else None
        return self.poll_for(poll, viewer_id, own)

    def poll_for(self, poll: Poll, viewer_id: int | None, own_votes: list[int] | None) -> e.Poll:
        """``poll`` as ``viewer_id`` sees it now; ``own_votes`` None leaves ``voted`` out."""
        moment = now()
        expired = poll.closed_at is not None or (
            poll.expires_at is not None and poll.expires_at <= moment
        )
        show_counts = (
            not poll.hide_totals
            or expired
            or (viewer_id is not None and viewer_id == poll.account_id)
        )
        entity = e.Poll(
            id=str(poll.id),
            expires_at=iso(poll.expires_at),
            expired=expired,
            multiple=poll.multiple,
            votes_count=poll.votes_count,
            voters_count=poll.voters_count if poll.multiple else None,
            options=[
                e.PollOption(title=t, votes_count=(poll.votes[i] if show_counts else None))
                for i, t in enumerate(poll.options)
            ],
            emojis=[],
        )
        if viewer_id is not None and own_votes is not None:
            entity.voted = bool(own_votes) or viewer_id == poll.account_id
            entity.own_votes = sorted(own_votes)
        return entity

    def emojis(self, stored: list[dict[str, Any]] | None) -> list[e.CustomEmoji]:
        """A remote status's or account's custom emoji (kept from its ``Emoji`` tags,
        ``federation/emoji.py``), their images through the media proxy with the emoji
        limits: a client never loads the remote server's image itself."""
        shown = []
        for x in stored or []:
            url = self._emoji_url(x.get("url")) if isinstance(x, dict) else None
            if url is not None and x.get("shortcode"):
                still = self._emoji_url(x.get("static_url")) or url
                picker = bool(x.get("visible_in_picker", False))
                entity = e.CustomEmoji(
                    shortcode=str(x["shortcode"]),
                    url=url,
                    static_url=still,
                    visible_in_picker=picker,
                )
                shown.append(entity)
        return shown

    def _emoji_url(self, url: Any) -> str | None:
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            return None
        if url.startswith(f"{self.base}/"):
            return url
        return media_proxy.proxy_url(self.settings, url, media_proxy.EMOJI)

    def filter(self, active: ActiveFilter) -> e.Filter:
        f = active.row
        return e.Filter(
            id=str(f.id),
            title=f.title,
            context=list(f.context),
            expires_at=iso(f.expires_at),
            filter_action=f.action,
            keywords=[
                e.FilterKeyword(id=str(k.id), keyword=k.keyword, whole_word=k.whole_word)
                for k in active.keywords
            ],
            statuses=[
                e.FilterStatus(id=str(x.id), status_id=str(x.status_id)) for x in active.statuses
            ],
        )

    def filter_results(self, filters: Sequence[ActiveFilter], status: Any) -> list[e.FilterResult]:
        return [
            e.FilterResult(
                filter=self.filter(m.active),
                keyword_matches=m.keyword_matches,
                status_matches=m.status_matches,
            )
            for m in matches(filters, status)
        ]

    def app(self, app: OAuthApp | None) -> e.Application | None:
        return None if app is None else e.Application(name=app.name, website=app.website)

    def status_row(
        self,
        row: StatusRow,
        state: ViewerState | None,
        viewer_id: int | None,
        reblog: e.Status | None = None,
        author: e.Account | None = None,
    ) -> e.Status:
        """``row`` as an entity; ``author``: its account already rendered (the status cache's
        rendering at the same row version), not rendered again."""
        s = row.status
        entity = e.Status(
            id=str(s.id),
            uri=s.uri or f"{self.base}/users/{row.account.username}/statuses/{s.id}",
            created_at=iso(s.created_at) or "",
            account=author if author is not None else self._page_account(row.account),
            content="" if reblog is not None else self.content(s.content, row.account),
            visibility=s.visibility,
            sensitive=s.sensitive,
            spoiler_text=s.spoiler_text,
            media_attachments=[self.media(m) for m in (s.media or [])] if reblog is None else [],
            application=self.app(row.app) if reblog is None else None,
            mentions=[self.mention(m) for m in (s.mentions or [])] if reblog is None else [],
            tags=[e.StatusTag(name=t, url=f"{self.base}/tags/{t}") for t in (s.tags or [])]
            if reblog is None
            else [],
            emojis=self.emojis(s.emojis) if reblog is None else [],
            reblogs_count=s.reblogs_count,
            favourites_count=s.favourites_count,
            replies_count=s.replies_count,
            quotes_count=s.quotes_count,
            url=s.url
            or (f"{self.base}/@{row.account.username}/{s.id}" if reblog is None else None),
            in_reply_to_id=str(s.in_reply_to_id) if s.in_reply_to_id else None,
            in_reply_to_account_id=str(s.in_reply_to_account_id)
            if s.in_reply_to_account_id
            else None,
            reblog=reblog,
            poll=self.poll(row.poll, state, viewer_id)
            if row.poll is not None and reblog is None
            else None,
            card=s.card,
            language=s.language,
            text=None,
            edited_at=iso(s.edited_at),
        )
        self._quotes(entity, s, viewer_id, reblog)
        if viewer_id is not None and state is not None:
            self._mark(entity, s, state, viewer_id)
        return entity

    def _quotes(
        self, entity: e.Status, s: Status, viewer_id: int | None, reblog: e.Status | None
    ) -> None:
        """The quote ``s`` makes, and who may quote it (a boost: the boosted status's)."""
        if reblog is not None:
            entity.quote_approval = reblog.quote_approval
            return
        if s.quote_of_id is not None:
            entity.quote = e.Quote(state=s.quote_state or "accepted", quoted_status=None)
        entity.quote_approval = self.quote_approval(s, viewer_id)

    def quote_approval(self, s: Status, viewer_id: int | None) -> e.QuoteApproval:
        """Who may quote ``s`` and whether the viewer may (``posts/quote_policy.py``)."""
        return quote_approval_of(s.quote_policy, s.visibility, s.account_id, viewer_id)

    def _mark(self, entity: e.Status, s: Status, state: ViewerState, viewer_id: int) -> None:
        """Give ``entity`` the viewer's side: what they did to it, mutes, pins, filters."""
        target = s.reblog_of_id or s.id
        entity.favourited = target in state.favourited
        entity.reblogged = target in state.reblogged
        entity.bookmarked = target in state.bookmarked
        entity.muted = (s.thread_id or s.id) in state.muted_threads
        entity.pinned = s.id in state.pinned if s.account_id == viewer_id else msgspec.UNSET
        entity.filtered = self.filter_results(state.filters, s) if state.filters else []

    def proxied(self, url: str | None) -> str | None:
        """A remote image's URL through this server's media proxy (``/media/proxy/...``),
        which fetches it once, re-encodes it and serves it: a reader's browser never
        contacts the remote server."""
        return media_proxy.proxy_url(self.settings, url) if url else None

    def media(self, m: dict[str, Any]) -> e.MediaAttachment:
        url, preview = self._abs(m.get("url")), self._abs(m.get("preview_url"))
        remote = m.get("remote_url")
        if remote and m.get("type") == "image" and url == remote:  # no copy here: the proxy's
            url = preview = self.proxied(remote)
        return e.MediaAttachment(
            id=str(m["id"]),
            type=m.get("type", "unknown"),
            url=url,
            preview_url=preview,
            remote_url=m.get("remote_url"),
            meta=m.get("meta"),
            description=m.get("description"),
            blurhash=m.get("blurhash"),
        )

    def _abs(self, path: str | None) -> str | None:
        if path is None or path.startswith(("http://", "https://")):
            return path
        return f"{self.base}/media/{path}"

    def bundle(self, bundle: Bundle, state: ViewerState | None, viewer_id: int | None) -> e.Status:
        if bundle.reblog is None:
            return self.status_row(bundle.entry, state, viewer_id)
        inner = self.status_row(bundle.reblog, state, viewer_id)
        return self.status_row(bundle.entry, state, viewer_id, reblog=inner)

    def bundles(
        self, items: Sequence[Bundle], state: ViewerState | None, viewer_id: int | None
    ) -> list[e.Status]:
        """A page of statuses; each distinct account is rendered once for the page."""
        self._page_accounts = {}
        try:
            return [self.bundle(b, state, viewer_id) for b in items]
        finally:
            self._page_accounts = None

    def _page_account(self, account: Account) -> e.Account:
        memo = self._page_accounts
        if memo is None:
            return self.account(account)
        found = memo.get(account.id)
        if found is None:
            found = memo[account.id] = self.account(account)
        return found


async def statuses_by_id(
    renderer: Renderer, session: AsyncSession, viewer_id: int | None, ids: Sequence[int]
) -> list[e.Status]:
    """Render the visible statuses among ``ids`` in order: two queries in all, three when
    some are quote posts (``render/quotes.py``)."""
    items = await bundles_by_id(session, viewer_id, ids)
    state = await viewer_state(session, viewer_id, items)
    return await quotes.render_bundles(renderer, session, items, state, viewer_id)


def timestamp(value: datetime | None) -> str | None:
    return iso(value)


def quote_approval_of(
    policy: str, visibility: str, author_id: int, viewer_id: int | None
) -> e.QuoteApproval:
    """A status's ``quote_approval`` for ``viewer_id`` (whether it follows the author is not
    known where statuses are rendered: a followers-only policy says ``unknown``)."""
    return e.QuoteApproval(
        automatic=quote_policy.automatic(policy, visibility),
        manual=[],
        current_user=quote_policy.current_user(
            policy, visibility, author_id, viewer_id, follows=None
        ),
    )
