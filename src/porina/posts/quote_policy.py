"""Who may quote a status (Mastodon 4.5's quote policies), in one place: what a new status
stores, what its ``quote_approval`` says, and the check when someone quotes it.

A status stores ``public``, ``followers`` or ``nobody``. A post for followers only or a direct
message stores ``nobody`` whatever was asked (Mastodon downgrades the policy of a post that
is not public or unlisted). The author may always quote their own post, except a direct one.
No Porina policy asks for the author's manual approval, so ``manual`` is always empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Follow, User
from porina.core.actor import Actor
from porina.core.events import QuoteRevoked
from porina.jobs.events import emit
from porina.posts.access import get_own
from porina.posts.counters import bump
from porina.posts.errors import InvalidStatus, StatusNotFound
from porina.posts.models import Status
from porina.posts.visibility import PUBLIC
from porina.storage.db import Tx

POLICIES = ("public", "followers", "nobody")
AUTOMATIC = {"public": ["public"], "followers": ["followers"], "nobody": []}


def stored(chosen: str | None, default: str, visibility: str) -> str:
    """The policy a new status or a policy change stores."""
    if visibility not in PUBLIC:
        return "nobody"
    return chosen or default


async def default_of(session: AsyncSession, account_id: int) -> str:
    """The author's ``source[quote_policy]`` (public unless they chose otherwise)."""
    return default_in(
        await session.scalar(select(User.settings).where(User.account_id == account_id))
    )


def default_in(prefs: dict[str, Any] | None) -> str:
    """``default_of`` from the author's settings already read."""
    chosen = (prefs or {}).get("quote_policy")
    return chosen if chosen in POLICIES else "public"


def automatic(policy: str, visibility: str) -> list[str]:
    return list(AUTOMATIC.get(policy, [])) if visibility in PUBLIC else []


def current_user(
    policy: str, visibility: str, author_id: int, viewer_id: int | None, *, follows: bool | None
) -> str:
    """``automatic`` or ``denied`` for ``viewer_id`` (Mastodon's ``quote_policy_for_account``);
    ``unknown`` for a followers-only policy when whether the viewer follows the author is not
    known where the status is rendered (``follows`` None: the cached renderings)."""
    if viewer_id is None or visibility == "direct":
        return "denied"
    if viewer_id == author_id:
        return "automatic"
    if visibility not in PUBLIC or policy == "nobody":
        return "denied"
    if policy == "public":
        return "automatic"
    if follows is None:
        return "unknown"
    return "automatic" if follows else "denied"


async def may_quote(session: AsyncSession, viewer_id: int, quoted: Status) -> bool:
    follows = None
    if quoted.quote_policy == "followers" and viewer_id != quoted.account_id:
        found = await session.scalar(
            select(Follow.id).where(
                Follow.account_id == viewer_id, Follow.target_account_id == quoted.account_id
            )
        )
        follows = found is not None
    verdict = current_user(
        quoted.quote_policy, quoted.visibility, quoted.account_id, viewer_id, follows=follows
    )
    return verdict == "automatic"


async def change(tx: Tx, actor: Actor, status_id: int | None, chosen: str | None) -> Status:
    """``PUT /api/v1/statuses/:id/interaction_policy``: the author changes who may quote the
    status from now on (past quotes stay). Another's status is a 403, one the actor cannot
    see a 404; a post that is not public or unlisted keeps ``nobody``."""
    if chosen is not None and chosen not in POLICIES:
        raise InvalidStatus("Validation failed: Quote approval policy is not included in the list")
    status = await get_own(tx, actor, status_id if status_id is not None else -1)
    if status.reblog_of_id is not None:
        raise StatusNotFound()
    if chosen is not None:
        status.quote_policy = stored(chosen, "nobody", status.visibility)
        await tx.session.flush()
    return status


async def revoke(tx: Tx, actor: Actor, status_id: int | None, quoting_id: int | None) -> Status:
    """The author of ``status_id`` withdraws their consent to the quote ``quoting_id``: the
    quoting status shows the quote as revoked and the quote leaves the count
    (``QuoteRevoked``: federation withdraws the ``QuoteAuthorization``). Also the handler
    of another server's ``Delete`` of one, as the quoted post's author."""
    quoted = await get_own(tx, actor, status_id if status_id is not None else -1)
    quoting = await tx.session.get(Status, quoting_id) if quoting_id is not None else None
    if quoting is None or quoting.quote_of_id != quoted.id or quoting.deleted_at is not None:
        raise StatusNotFound()
    if quoting.quote_state != "revoked":
        if quoting.quote_state in (None, "accepted"):  # a pending quote was never counted
            await bump(tx, Status, quoted.id, "quotes_count", -1)
        quoting.quote_state = "revoked"
        await tx.session.flush()
        revoked = QuoteRevoked(
            actor=actor,
            status_id=quoting.id,
            author_id=quoting.account_id,
            quoted_id=quoted.id,
            quoted_author_id=quoted.account_id,
        )
        await emit(tx, revoked)
    return quoting
